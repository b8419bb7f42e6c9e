namespace Licensing.Backup;

/// <summary>How far a restore is: the table, its rows written so far, and its rows in all.</summary>
public sealed record RestoreProgress(string Stage, string Table, long Rows, long TotalRows);

/// <summary>
/// Writes a backup into an account's tables: checks every part against the manifest first (a damaged backup writes
/// nothing), then writes each part's rows in one-partition transactions of up to 100, several partitions at a time.
/// Rows are created (a row already there fails the restore) unless <c>force</c>, which replaces them.
/// </summary>
public sealed class BackupRestore(BackupReader reader, TableServiceClient target, string tablePrefix)
{
    private const int TransactionSize = 100;
    private const int ParallelTransactions = 8;

    /// <summary>The target tables of the backup that exist and hold at least one row.</summary>
    public async Task<IReadOnlyList<string>> NonEmptyTablesAsync(BackupManifest manifest, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var nonEmpty = new List<string>();
        foreach (var table in manifest.Tables)
        {
            var client = target.GetTableClient(tablePrefix + table.Table);
            try
            {
                await foreach (var page in client.QueryAsync<TableEntity>(maxPerPage: 1, select: ["PartitionKey"], cancellationToken: ct).AsPages().ConfigureAwait(false))
                {
                    if (page.Values.Count > 0)
                    {
                        nonEmpty.Add(client.Name);
                    }

                    break;
                }
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // No table, no rows.
            }
        }

        return nonEmpty;
    }

    public async Task CheckAsync(BackupManifest manifest, IProgress<RestoreProgress>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        foreach (var table in manifest.Tables)
        {
            BackupReader.CheckTotals(table);
            long rows = 0;
            foreach (var part in table.Parts)
            {
                rows += (await reader.ReadPartAsync(table, part, ct).ConfigureAwait(false)).Count;
                progress?.Report(new RestoreProgress("checked", table.Table, rows, table.Rows));
            }

            if (table.Parts.Count == 0)
            {
                progress?.Report(new RestoreProgress("checked", table.Table, 0, 0));
            }
        }
    }

    public async Task WriteAsync(BackupManifest manifest, bool force, IProgress<RestoreProgress>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var action = force ? TableTransactionActionType.UpsertReplace : TableTransactionActionType.Add;
        foreach (var table in manifest.Tables)
        {
            var client = target.GetTableClient(tablePrefix + table.Table);
            await client.CreateIfNotExistsAsync(ct).ConfigureAwait(false);
            long rows = 0;
            foreach (var part in table.Parts)
            {
                var entities = await reader.ReadPartAsync(table, part, ct).ConfigureAwait(false);
                await WritePartAsync(client, entities, action, ct).ConfigureAwait(false);
                rows += entities.Count;
                progress?.Report(new RestoreProgress("written", table.Table, rows, table.Rows));
            }

            if (table.Parts.Count == 0)
            {
                progress?.Report(new RestoreProgress("written", table.Table, 0, 0));
            }
        }
    }

    private static async Task WritePartAsync(TableClient client, IReadOnlyList<TableEntity> entities, TableTransactionActionType action, CancellationToken ct)
    {
        using var gate = new SemaphoreSlim(ParallelTransactions);
        var running = new List<Task>();
        foreach (var batch in Batches(entities))
        {
            await gate.WaitAsync(ct).ConfigureAwait(false);
            running.Add(SubmitAsync(client, batch, action, gate, ct));
        }

        await Task.WhenAll(running).ConfigureAwait(false);
    }

    private static async Task SubmitAsync(TableClient client, List<TableEntity> batch, TableTransactionActionType action, SemaphoreSlim gate, CancellationToken ct)
    {
        try
        {
            // One partition per transaction, by construction of Batches.
            await client.SubmitTransactionAsync(batch.Select(e => new TableTransactionAction(action, e)), ct).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Runs of rows of one partition (rows arrive in key order), at most a transaction's worth each.</summary>
    private static IEnumerable<List<TableEntity>> Batches(IReadOnlyList<TableEntity> entities)
    {
        var batch = new List<TableEntity>();
        foreach (var entity in entities)
        {
            if (batch.Count == TransactionSize || (batch.Count > 0 && batch[0].PartitionKey != entity.PartitionKey))
            {
                yield return batch;
                batch = [];
            }

            batch.Add(entity);
        }

        if (batch.Count > 0)
        {
            yield return batch;
        }
    }
}
