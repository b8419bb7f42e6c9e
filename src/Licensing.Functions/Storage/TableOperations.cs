using Azure;
using Azure.Data.Tables;

namespace Licensing.Storage;

/// <summary>The two table operations the stores share: a point read, and a single-partition transaction with its events.</summary>
internal static class TableOperations
{
    public const int MaxActions = 100;

    /// <summary>One row by its keys; null when there is none.</summary>
    public static async Task<TableEntity?> PointReadAsync(TableClient table, string partitionKey, string rowKey, CancellationToken ct)
    {
        var response = await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, cancellationToken: ct).ConfigureAwait(false);
        return response.HasValue ? response.Value : null;
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
