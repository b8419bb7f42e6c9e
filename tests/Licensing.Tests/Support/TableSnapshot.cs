using Azure.Data.Tables;

namespace Licensing.Tests.Support;

/// <summary>Every row of a server's tables with its properties as storage returns them (their .NET types included), ETag and Timestamp apart.</summary>
public static class TableSnapshot
{
    public static async Task<Dictionary<(string Table, string PartitionKey, string RowKey), SortedDictionary<string, object>>> TakeAsync(IEnumerable<(string Name, TableClient Client)> tables)
    {
        var rows = new Dictionary<(string, string, string), SortedDictionary<string, object>>();
        foreach (var (name, client) in tables)
        {
            await foreach (var entity in client.QueryAsync<TableEntity>())
            {
                var properties = new SortedDictionary<string, object>(StringComparer.Ordinal);
                foreach (var (key, value) in entity)
                {
                    if (key is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag"))
                    {
                        properties[key] = value;
                    }
                }

                rows[(name, entity.PartitionKey, entity.RowKey)] = properties;
            }
        }

        return rows;
    }

    /// <summary>Each difference between two snapshots as a line: a row missing or extra, or a property whose type or value differs.</summary>
    public static List<string> Differences(
        Dictionary<(string Table, string PartitionKey, string RowKey), SortedDictionary<string, object>> expected,
        Dictionary<(string Table, string PartitionKey, string RowKey), SortedDictionary<string, object>> actual)
    {
        var differences = new List<string>();
        foreach (var (row, properties) in expected)
        {
            if (!actual.TryGetValue(row, out var other))
            {
                differences.Add($"missing {row}");
                continue;
            }

            foreach (var name in properties.Keys.Union(other.Keys))
            {
                var a = properties.GetValueOrDefault(name);
                var b = other.GetValueOrDefault(name);
                if (a?.GetType() != b?.GetType() || !SameValue(a, b))
                {
                    differences.Add($"{row}.{name}: {Describe(a)} became {Describe(b)}");
                }
            }
        }

        differences.AddRange(actual.Keys.Where(row => !expected.ContainsKey(row)).Select(row => $"extra {row}"));
        return differences;
    }

    private static bool SameValue(object? a, object? b) => (a, b) switch
    {
        (byte[] x, byte[] y) => x.AsSpan().SequenceEqual(y),
        (double x, double y) => BitConverter.DoubleToInt64Bits(x) == BitConverter.DoubleToInt64Bits(y),
        _ => Equals(a, b),
    };

    private static string Describe(object? value) => value is null ? "(none)" : $"{value.GetType().Name} {value}";
}
