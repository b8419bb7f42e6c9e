namespace Licensing.Storage;

/// <summary>
/// Which license is a machine's trial of a product, one row per (product, machine) created with AddEntity and never
/// removed: the first trial of a pair is its only one, even once its license expired or was deleted.
/// </summary>
public sealed class TrialStore(StorageTables tables)
{
    private const string UserKeyColumn = "UserKey";

    /// <summary>The user key of the machine's trial of the product; null when it never had one.</summary>
    public async Task<string?> ReadUserKeyAsync(string productId, string machineId, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
        var row = await TableOperations.PointReadAsync(tables.Licenses, TableKeys.TrialPartition(productId), TableKeys.TrialRow(machineId), ct).ConfigureAwait(false);
        return row?.GetString(UserKeyColumn);
    }

    /// <summary>Records the pair's trial; false when it was recorded already (by a concurrent first call).</summary>
    public async Task<bool> AddAsync(string productId, string machineId, string userKey, CancellationToken ct)
    {
        try
        {
            await tables.Licenses.AddEntityAsync(new TableEntity(TableKeys.TrialPartition(productId), TableKeys.TrialRow(machineId))
            {
                [UserKeyColumn] = userKey,
            }, ct).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }
}
