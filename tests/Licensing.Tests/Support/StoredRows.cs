using Azure.Data.Tables;
using Licensing.Storage;

namespace Licensing.Tests.Support;

/// <summary>One stored row: its table and keys.</summary>
public sealed record StoredRow(string Table, string PartitionKey, string RowKey)
{
    public const string Licenses = "Licenses";
    public const string LeaseExpiry = "LeaseExpiry";
    public const string ApiKeys = "ApiKeys";

    public override string ToString() => $"{Table} ({PartitionKey}, {RowKey})";
}

/// <summary>A stored row's version, and the license it belongs to (its partition, or an expiry entry's license).</summary>
public sealed record StoredVersion(string ETag, string? LicenseId);

/// <summary>Every row of a server's three tables with its ETag, and what changed between two such snapshots.</summary>
public static class StoredRows
{
    private static readonly string[] KeysAndLicense = ["PartitionKey", "RowKey", nameof(ExpiryEntry.LicenseId)];

    public static async Task<Dictionary<StoredRow, StoredVersion>> SnapshotAsync(StorageTables tables)
    {
        var rows = new Dictionary<StoredRow, StoredVersion>();
        foreach (var (name, table) in new[] { (StoredRow.Licenses, tables.Licenses), (StoredRow.LeaseExpiry, tables.ExpiryIndex), (StoredRow.ApiKeys, tables.ApiKeys) })
        {
            await foreach (var entity in table.QueryAsync<TableEntity>(select: KeysAndLicense))
            {
                var licenseId = name == StoredRow.Licenses ? entity.PartitionKey : entity.GetString(nameof(ExpiryEntry.LicenseId));
                rows[new StoredRow(name, entity.PartitionKey, entity.RowKey)] = new StoredVersion(entity.ETag.ToString(), licenseId);
            }
        }

        return rows;
    }

    /// <summary>Rows added, removed, or written again (a new ETag): the row, what happened, and its license if any.</summary>
    public static List<(StoredRow Row, string Change, string? LicenseId)> Differences(
        Dictionary<StoredRow, StoredVersion> before, Dictionary<StoredRow, StoredVersion> after)
    {
        var changes = new List<(StoredRow, string, string?)>();
        foreach (var (row, version) in after)
        {
            if (!before.TryGetValue(row, out var old))
            {
                changes.Add((row, "added", version.LicenseId));
            }
            else if (old.ETag != version.ETag)
            {
                changes.Add((row, "written", version.LicenseId));
            }
        }

        changes.AddRange(before.Where(row => !after.ContainsKey(row.Key)).Select(row => (row.Key, "removed", row.Value.LicenseId)));
        return changes;
    }
}
