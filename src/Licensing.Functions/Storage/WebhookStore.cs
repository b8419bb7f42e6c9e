namespace Licensing.Storage;

/// <summary>
/// The Webhooks table: webhooks (created, replaced under their ETag, deleted), the pending-event hints written before
/// an event's transaction, the attempts due, and each webhook's delivery log. A run reads the hints (only pending ones
/// exist) and the attempts due as a time range up to now: only what is pending.
/// </summary>
public sealed class WebhookStore(StorageTables tables)
{
    public async Task AddAsync(WebhookRow webhook, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
        await tables.Webhooks.AddEntityAsync(webhook.ToEntity(), ct).ConfigureAwait(false);
    }

    public async Task<WebhookRow?> FindAsync(string id, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
        return await TableOperations.PointReadAsync(tables.Webhooks, TableKeys.WebhookPartition, id, ct).ConfigureAwait(false) is { } entity
            ? WebhookRow.FromEntity(entity)
            : null;
    }

    /// <summary>Every webhook (a deployment has a handful; the dispatcher and the event hints read them through a cache).</summary>
    public async Task<IReadOnlyList<WebhookRow>> ListAllAsync(CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
        var rows = new List<WebhookRow>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.WebhookPartition}");
        await foreach (var entity in tables.Webhooks.QueryAsync<TableEntity>(filter, cancellationToken: ct).ConfigureAwait(false))
        {
            rows.Add(WebhookRow.FromEntity(entity));
        }

        return rows;
    }

    /// <summary>A page of webhooks; null when the token is not one this API handed out.</summary>
    public async Task<(IReadOnlyList<WebhookRow> Webhooks, string? Next)?> ListAsync(int pageSize, string? continuationToken, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.WebhookPartition}");
        return await TablePages.ReadAsync(tables.Webhooks, filter, pageSize, continuationToken, ct).ConfigureAwait(false) is { } page
            ? (page.Rows.Select(WebhookRow.FromEntity).ToArray(), page.Next)
            : null;
    }

    /// <summary>Replaces a webhook under the ETag it was read with; false when it changed or went meanwhile.</summary>
    public async Task<bool> UpdateAsync(WebhookRow webhook, CancellationToken ct)
    {
        try
        {
            await tables.Webhooks.UpdateEntityAsync(webhook.ToEntity(), webhook.ETag, TableUpdateMode.Replace, ct).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (StorageErrors.IsLostRace(ex))
        {
            return false;
        }
    }

    /// <summary>Deletes a webhook; false when there was none. Its log stays until it ages out of interest.</summary>
    public async Task<bool> DeleteAsync(string id, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
        var response = await tables.Webhooks.DeleteEntityAsync(TableKeys.WebhookPartition, id, ETag.All, ct).ConfigureAwait(false);
        return response.Status != 404;
    }

    /// <summary>
    /// Writes the hints of one transaction's events: one request however many events it carries. A hint already there
    /// is fine: concurrent attempts at one license build the same next event row, so they may write the same hint.
    /// </summary>
    public async Task AddHintsAsync(IReadOnlyList<WebhookHint> hints, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
        if (hints.Count > 1)
        {
            try
            {
                await tables.Webhooks.SubmitTransactionAsync(hints.Select(h => new TableTransactionAction(TableTransactionActionType.Add, h.ToEntity())), ct)
                    .ConfigureAwait(false);
                return;
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 409)
            {
                // One of them was there already, so none was written: write them one by one.
            }
        }

        foreach (var hint in hints)
        {
            try
            {
                await tables.Webhooks.AddEntityAsync(hint.ToEntity(), ct).ConfigureAwait(false);
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
            }
        }
    }

    /// <summary>Pending hints, up to <paramref name="limit"/>: the partition holds only what is pending (a hint goes once handled).</summary>
    public async Task<List<WebhookHint>> ReadHintsAsync(int limit, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.WebhookHintPartition}");
        var hints = new List<WebhookHint>();
        await foreach (var entity in tables.Webhooks.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(limit, 1000), cancellationToken: ct).ConfigureAwait(false))
        {
            hints.Add(WebhookHint.FromEntity(entity));
            if (hints.Count >= limit)
            {
                break;
            }
        }

        return hints;
    }

    public Task DeleteHintAsync(WebhookHint hint, CancellationToken ct) =>
        DeleteIfExistsAsync(TableKeys.WebhookHintPartition, hint.RowKey, ETag.All, ct);

    /// <summary>The audit event a hint points at, if its transaction committed; null otherwise.</summary>
    public async Task<AuditEventRow?> ReadEventAsync(WebhookHint hint, CancellationToken ct)
    {
        var table = hint.Table == TableKeys.HintApiKeysTable ? tables.ApiKeys : tables.Licenses;
        return await TableOperations.PointReadAsync(table, hint.EventPartition, hint.EventRow, ct).ConfigureAwait(false) is { } entity
            ? AuditEventRow.FromEntity(entity)
            : null;
    }

    /// <summary>Schedules an attempt; one already there (a run repeated after a crash) is fine.</summary>
    public async Task AddDueAsync(WebhookDue due, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
        try
        {
            await tables.Webhooks.AddEntityAsync(due.ToEntity(), ct).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
        }
    }

    public Task<List<WebhookDue>> ReadDueAsync(DateTimeOffset upTo, int limit, CancellationToken ct) =>
        ReadRangeAsync(TableKeys.WebhookDuePartition, upTo, limit, WebhookDue.FromEntity, ct);

    /// <summary>Claims a due attempt until <paramref name="until"/> under the ETag it was read with; false when another run has it.</summary>
    public async Task<WebhookDue?> ClaimAsync(WebhookDue due, DateTimeOffset until, CancellationToken ct)
    {
        var claim = new TableEntity(TableKeys.WebhookDuePartition, due.RowKey) { [nameof(WebhookDue.ClaimedUntil)] = until };
        try
        {
            var response = await tables.Webhooks.UpdateEntityAsync(claim, due.ETag, TableUpdateMode.Merge, ct).ConfigureAwait(false);
            return due with { ClaimedUntil = until, ETag = response.Headers.ETag ?? due.ETag };
        }
        catch (RequestFailedException ex) when (StorageErrors.IsLostRace(ex))
        {
            return null;
        }
    }

    public Task DeleteDueAsync(WebhookDue due, CancellationToken ct) =>
        DeleteIfExistsAsync(TableKeys.WebhookDuePartition, due.RowKey, ETag.All, ct);

    /// <summary>Records an attempt in its webhook's log; one recorded already (by a run that died before its cleanup) stays.</summary>
    public async Task RecordAsync(WebhookAttempt attempt, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
        try
        {
            await tables.Webhooks.AddEntityAsync(attempt.ToEntity(), ct).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
        }
    }

    /// <summary>A page of a webhook's log, newest delivery first and its latest attempt first; null for a token not ours.</summary>
    public async Task<(IReadOnlyList<WebhookAttempt> Attempts, string? Next)?> ReadLogAsync(string webhookId, int pageSize, string? continuationToken, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.WebhookLogPartition(webhookId)}");
        return await TablePages.ReadAsync(tables.Webhooks, filter, pageSize, continuationToken, ct).ConfigureAwait(false) is { } page
            ? (page.Rows.Select(WebhookAttempt.FromEntity).ToArray(), page.Next)
            : null;
    }

    /// <summary>The latest recorded attempt of a delivery, or null when the log has none.</summary>
    public async Task<WebhookAttempt?> ReadLatestAttemptAsync(string webhookId, string deliveryId, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
        var (after, before) = TableKeys.WebhookLogRowsOf(deliveryId);
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {TableKeys.WebhookLogPartition(webhookId)} and RowKey gt {after} and RowKey lt {before}");
        await foreach (var entity in tables.Webhooks.QueryAsync<TableEntity>(filter, maxPerPage: 1, cancellationToken: ct).ConfigureAwait(false))
        {
            return WebhookAttempt.FromEntity(entity);
        }

        return null;
    }

    /// <summary>The rows of a time-ordered partition up to <paramref name="upTo"/>, oldest first.</summary>
    private async Task<List<T>> ReadRangeAsync<T>(string partition, DateTimeOffset upTo, int limit, Func<TableEntity, T> read, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey lt {TableKeys.WebhookRowsUpTo(upTo)}");
        var rows = new List<T>();
        await foreach (var entity in tables.Webhooks.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(limit, 1000), cancellationToken: ct).ConfigureAwait(false))
        {
            rows.Add(read(entity));
            if (rows.Count >= limit)
            {
                break;
            }
        }

        return rows;
    }

    private async Task DeleteIfExistsAsync(string partition, string rowKey, ETag etag, CancellationToken ct)
    {
        try
        {
            await tables.Webhooks.DeleteEntityAsync(partition, rowKey, etag, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
        }
    }
}
