namespace Licensing.Storage;

/// <summary>
/// The table operations the stores share: a point read, a single-partition transaction with its events, and the
/// deletion of the rows a filter finds, batch by batch.
/// </summary>
internal static class TableOperations
{
    public const int MaxActions = 100;
    public const int MaxParallelReads = 32;

    /// <summary>One row by its keys; null when there is none.</summary>
    public static async Task<TableEntity?> PointReadAsync(TableClient table, string partitionKey, string rowKey, CancellationToken ct)
    {
        var response = await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, cancellationToken: ct).ConfigureAwait(false);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>
    /// Rows by their keys, in the order asked, null where there is none: at most <see cref="MaxParallelReads"/> in
    /// flight, so a 1,000-row page neither opens 1,000 connections nor outlasts a caller's timeout on a busy store.
    /// </summary>
    public static async Task<TableEntity?[]> PointReadAllAsync(
        TableClient table, IReadOnlyList<(string PartitionKey, string RowKey)> keys, CancellationToken ct)
    {
        var rows = new TableEntity?[keys.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, keys.Count),
            new ParallelOptions { MaxDegreeOfParallelism = MaxParallelReads, CancellationToken = ct },
            async (i, token) => rows[i] = await PointReadAsync(table, keys[i].PartitionKey, keys[i].RowKey, token).ConfigureAwait(false)).ConfigureAwait(false);
        return rows;
    }

    /// <summary>
    /// Deletes the rows of one partition that <paramref name="filter"/> finds, in transactions of up to 100 deletes, at
    /// most <paramref name="maxTransactions"/> of them: each delete unconditional (<paramref name="guarded"/> false) or
    /// under the ETag the row was read with. Stops at the first transaction another writer made fail (a row already
    /// gone, or changed). Returns how many rows were deleted.
    /// </summary>
    public static async Task<int> DeleteFoundAsync(TableClient table, string filter, int maxTransactions, bool guarded, CancellationToken ct)
    {
        var deleted = 0;
        for (var i = 0; i < maxTransactions; i++)
        {
            var rows = new List<TableEntity>(MaxActions);
            await foreach (var entity in table.QueryAsync<TableEntity>(filter, maxPerPage: MaxActions, cancellationToken: ct).ConfigureAwait(false))
            {
                rows.Add(entity);
                if (rows.Count == MaxActions)
                {
                    break;
                }
            }

            if (rows.Count == 0
                || !await SubmitAsync(table, [.. rows.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, guarded ? r.ETag : ETag.All))], [], ct)
                    .ConfigureAwait(false))
            {
                break;
            }

            deleted += rows.Count;
        }

        return deleted;
    }

    /// <summary>
    /// The actions and their events (created, so they exist exactly when the change committed) as one transaction;
    /// false when another writer won the race.
    /// </summary>
    public static async Task<bool> SubmitAsync(
        TableClient table, List<TableTransactionAction> actions, IReadOnlyCollection<AuditEventRow> events, CancellationToken ct) =>
        await SubmitForAnswersAsync(table, actions, events, ct).ConfigureAwait(false) is not null;

    /// <summary>As <see cref="SubmitAsync"/>, with each action's answer (its new ETag) in the order of the actions; null when another writer won.</summary>
    public static async Task<IReadOnlyList<Response>?> SubmitForAnswersAsync(
        TableClient table, List<TableTransactionAction> actions, IReadOnlyCollection<AuditEventRow> events, CancellationToken ct)
    {
        actions.AddRange(events.Select(e => new TableTransactionAction(TableTransactionActionType.Add, e.ToEntity())));
        if (actions.Count > MaxActions)
        {
            throw new ArgumentOutOfRangeException(nameof(actions), $"A transaction holds at most {MaxActions} actions.");
        }

        try
        {
            var answers = await table.SubmitTransactionAsync(actions, ct).ConfigureAwait(false);
            return answers.Value;
        }
        catch (RequestFailedException ex) when (StorageErrors.IsLostRace(ex))
        {
            return null;
        }
    }
}
