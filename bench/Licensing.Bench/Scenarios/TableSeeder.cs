using Azure.Data.Tables;

namespace Licensing.Bench.Scenarios;

/// <summary>Writes rows straight into storage: single-partition transactions of up to 100 adds, a few in flight.</summary>
public static class TableSeeder
{
    public const int BatchSize = 100;

    public static async Task AddAsync(string what, TableClient table, IEnumerable<TableEntity> rows, CancellationToken ct)
    {
        var batches = rows
            .GroupBy(r => r.PartitionKey, StringComparer.Ordinal)
            .SelectMany(partition => partition.Chunk(BatchSize))
            .ToArray();
        await BenchContext.ForEachAsync($"{what} ({batches.Length:N0} batches)", batches.Length, 4, async (i, token) =>
        {
            var actions = batches[i].Select(r => new TableTransactionAction(TableTransactionActionType.Add, r));
            await table.SubmitTransactionAsync(actions, token).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
    }
}
