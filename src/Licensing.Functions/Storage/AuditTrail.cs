namespace Licensing.Storage;

/// <summary>Reads audit events, newest first (their row keys are inverted numbers): a license's, or the API keys'.</summary>
public sealed class AuditTrail(StorageTables tables)
{
    public Task<(IReadOnlyList<AuditEventRow> Events, string? Next)?> ReadLicensePageAsync(
        string licenseId, int pageSize, string? after, CancellationToken ct) =>
        ReadPageAsync(tables.Licenses, licenseId, pageSize, after, ct);

    public Task<(IReadOnlyList<AuditEventRow> Events, string? Next)?> ReadApiKeyPageAsync(int pageSize, string? after, CancellationToken ct) =>
        ReadPageAsync(tables.ApiKeys, TableKeys.ApiKeyPartition, pageSize, after, ct);

    /// <summary>
    /// A page of events after the event named by <paramref name="after"/> (the continuation token is the id of a
    /// page's last event), and the token of the next page; null when the token is not an event id.
    /// </summary>
    private async Task<(IReadOnlyList<AuditEventRow> Events, string? Next)?> ReadPageAsync(
        TableClient table, string partition, int pageSize, string? after, CancellationToken ct)
    {
        if (after is not null && !TableKeys.IsEventId(after))
        {
            return null;
        }

        await tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {partition} and RowKey gt {TableKeys.EventRowsAfter(after)} and RowKey lt {TableKeys.EventRowsEnd}");
        var events = new List<AuditEventRow>(pageSize + 1);
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(pageSize + 1, TablePages.MaxPageSize), cancellationToken: ct).ConfigureAwait(false))
        {
            events.Add(AuditEventRow.FromEntity(entity));
            if (events.Count > pageSize)
            {
                break;
            }
        }

        if (events.Count <= pageSize)
        {
            return (events, null);
        }

        events.RemoveAt(pageSize);
        return (events, TableKeys.EventIdOf(events[^1].RowKey));
    }
}
