namespace Licensing.Storage;

/// <summary>
/// The expiry index the timer reads: entries partitioned by the hour they come due, so a run reads only what came
/// due since the last one, never all tokens. Entries are hints: the seat row is always the truth.
/// </summary>
public sealed class ExpiryIndex(StorageTables tables)
{
    /// <summary>Creates an entry; an entry already there (a retried grant) is fine.</summary>
    public async Task AddAsync(ExpiryEntry entry, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
        try
        {
            await tables.ExpiryIndex.AddEntityAsync(entry.ToEntity(), ct).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
        }
    }

    /// <summary>
    /// Writes many entries (a batch of grants' hints) in single-partition transactions of up to the action limit, one per
    /// hour's partition and hundred. Each entry is written whole without reading (an upsert-replace): an entry is never
    /// updated, so the one already there (a retried grant's) is the same entry.
    /// </summary>
    public async Task AddAllAsync(IReadOnlyCollection<ExpiryEntry> entries, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
        var transactions = entries
            .GroupBy(e => e.PartitionKey, StringComparer.Ordinal)
            .SelectMany(partition => partition.Chunk(TableOperations.MaxActions))
            .Select(chunk => tables.ExpiryIndex.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e.ToEntity())), ct));
        await Task.WhenAll(transactions).ConfigureAwait(false);
    }

    /// <summary>Removes an entry unconditionally (entries are never updated, so no ETag race exists); gone is fine.</summary>
    public async Task DeleteAsync(ExpiryEntry entry, CancellationToken ct)
    {
        try
        {
            await tables.ExpiryIndex.DeleteEntityAsync(entry.PartitionKey, entry.RowKey, ETag.All, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
        }
    }

    /// <summary>Moves an entry to a later due time: create the new one first, so a crash between leaves two hints, never none.</summary>
    public async Task MoveAsync(ExpiryEntry entry, DateTimeOffset dueAt, CancellationToken ct)
    {
        var moved = entry with { DueAt = dueAt };
        if (moved.PartitionKey == entry.PartitionKey && moved.RowKey == entry.RowKey)
        {
            return;
        }

        await AddAsync(moved, ct).ConfigureAwait(false);
        await DeleteAsync(entry, ct).ConfigureAwait(false);
    }

    /// <summary>The entries of one hour's partition that are due by <paramref name="upperRowKey"/>.</summary>
    public async Task<List<ExpiryEntry>> ReadDueAsync(string partition, string upperRowKey, int limit, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey lt {upperRowKey}");
        var entries = new List<ExpiryEntry>();
        await foreach (var entity in tables.ExpiryIndex.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(limit, 1000), cancellationToken: ct).ConfigureAwait(false))
        {
            entries.Add(ExpiryEntry.FromEntity(entity));
            if (entries.Count >= limit)
            {
                break;
            }
        }

        return entries;
    }

    /// <summary>The first hour that may still hold entries, with the ETag to advance it by.</summary>
    public async Task<(DateTimeOffset? Hour, ETag ETag)> ReadCheckpointAsync(CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
        var response = await tables.ExpiryIndex
            .GetEntityIfExistsAsync<TableEntity>(TableKeys.CheckpointPartition, TableKeys.ExpiryCheckpointRow, cancellationToken: ct)
            .ConfigureAwait(false);
        return response.HasValue && response.Value is { } entity
            ? (entity.GetDateTimeOffset("NextHour"), entity.ETag)
            : (null, default);
    }

    /// <summary>Advances the checkpoint: created when absent, else replaced under its ETag; a concurrent run that won is fine.</summary>
    public async Task WriteCheckpointAsync(DateTimeOffset nextHour, ETag etag, CancellationToken ct)
    {
        var entity = new TableEntity(TableKeys.CheckpointPartition, TableKeys.ExpiryCheckpointRow) { ["NextHour"] = nextHour };
        try
        {
            if (etag == default)
            {
                await tables.ExpiryIndex.AddEntityAsync(entity, ct).ConfigureAwait(false);
            }
            else
            {
                await tables.ExpiryIndex.UpdateEntityAsync(entity, etag, TableUpdateMode.Replace, ct).ConfigureAwait(false);
            }
        }
        catch (RequestFailedException ex) when (StorageErrors.IsLostRace(ex))
        {
        }
    }
}
