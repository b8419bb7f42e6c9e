namespace Licensing.Storage;

/// <summary>One license as the catalog lists it: its id and the terms it is found by, as hinted there.</summary>
public sealed record CatalogEntry(string LicenseId, string ProductId, string? CustomerName);

/// <summary>
/// The license catalog: a row per license in a table made for listing (one partition, row = license id), so the admin
/// list is a range read of it and never touches seat or event rows. A row is a hint, written before the license row
/// on create and update and removed after it on delete, so a crash between the two writes leaves a row whose license
/// is missing or differs: the list confirms every row against its license row and repairs it.
/// </summary>
public sealed class LicenseCatalog(StorageTables tables)
{
    /// <summary>Writes the license's row (created or replaced, unconditionally: it is a hint).</summary>
    public async Task PutAsync(LicenseRow license, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
        var entity = new TableEntity(TableKeys.CatalogPartition, license.LicenseId)
        {
            [nameof(CatalogEntry.ProductId)] = license.ProductId,
            [nameof(CatalogEntry.CustomerName)] = license.CustomerName,
            [CustomerKey] = TableKeys.CatalogNameKey(license.CustomerName),
        };
        await tables.Catalog.UpsertEntityAsync(entity, TableUpdateMode.Replace, ct).ConfigureAwait(false);
    }

    /// <summary>Removes a license's row; gone already is fine.</summary>
    public async Task RemoveAsync(string licenseId, CancellationToken ct)
    {
        try
        {
            await tables.Catalog.DeleteEntityAsync(TableKeys.CatalogPartition, licenseId, ETag.All, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
        }
    }

    /// <summary>Whether the row says what the license says (else it is rewritten from the license).</summary>
    public static bool Matches(CatalogEntry entry, LicenseRow license) =>
        entry.ProductId == license.ProductId && entry.CustomerName == license.CustomerName;

    /// <summary>
    /// A page of catalog rows, in license-id order, of one product and/or with a customer name starting with
    /// <paramref name="namePrefix"/> (case ignored), and the token of the next page; null when the token is not ours.
    /// </summary>
    public async Task<(IReadOnlyList<CatalogEntry> Entries, string? Next)?> ReadPageAsync(
        int pageSize, string? continuationToken, string? productId, string? namePrefix, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.CatalogPartition}");
        if (productId is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"ProductId eq {productId}");
        }

        if (namePrefix is not null)
        {
            var from = TableKeys.CatalogNameKey(namePrefix);
            filter += " and " + TableClient.CreateQueryFilter($"CustomerKey ge {from} and CustomerKey lt {TableKeys.CatalogNamePrefixEnd(from)}");
        }

        return await TablePages.ReadAsync(tables.Catalog, filter, pageSize, continuationToken, ct).ConfigureAwait(false) is { } page
            ? (page.Rows.Select(Entry).ToArray(), page.Next)
            : null;
    }

    private const string CustomerKey = "CustomerKey";

    private static CatalogEntry Entry(TableEntity e) =>
        new(e.RowKey, e.GetString(nameof(CatalogEntry.ProductId)) ?? "default", e.GetString(nameof(CatalogEntry.CustomerName)));
}
