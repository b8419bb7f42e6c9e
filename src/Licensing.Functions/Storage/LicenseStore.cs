namespace Licensing.Storage;

/// <summary>
/// License rows: created with their event in one transaction (a duplicate id, so a user key in use, fails), replaced
/// under their ETag with their event, deleted under their ETag (then their seat rows), and listed by page from the
/// <see cref="LicenseCatalog"/>, whose row is written before a create or update and removed after a delete. Every read
/// and committed change refreshes this instance's <see cref="LicenseCache"/>.
/// </summary>
public sealed class LicenseStore(StorageTables tables, LicenseCache licenseCache, PartitionBounds bounds, LicenseCatalog catalog, WebhookOutbox outbox)
{
    /// <summary>The license row alone, by a point read.</summary>
    public async Task<LicenseRow?> ReadAsync(string licenseId, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
        if (await TableOperations.PointReadAsync(tables.Licenses, licenseId, TableKeys.LicenseRow, ct).ConfigureAwait(false) is { } row)
        {
            var license = LicenseRow.FromEntity(row);
            licenseCache.Put(license);
            return license;
        }

        licenseCache.Forget(licenseId);
        return null;
    }

    /// <summary>Writes the license's catalog row alone (a license created before the catalog existed, patched).</summary>
    public Task ListInCatalogAsync(LicenseRow license, CancellationToken ct) => catalog.PutAsync(license, ct);

    /// <summary>Creates the license row with its event; false when the id (so the user key) is taken.</summary>
    public async Task<bool> AddAsync(LicenseRow license, AuditEventRow created, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
        await outbox.BeforeLicenseCommitAsync(license.ProductId, [created], ct).ConfigureAwait(false);
        await catalog.PutAsync(license, ct).ConfigureAwait(false);
        return Remember(license, await TableOperations.SubmitAsync(tables.Licenses, [new(TableTransactionActionType.Add, license.ToEntity())], [created], ct)
            .ConfigureAwait(false));
    }

    /// <summary>Replaces the license row under its ETag (admin changes), with its event. False on a lost race.</summary>
    public async Task<bool> UpdateAsync(LicenseRow license, AuditEventRow updated, CancellationToken ct)
    {
        await outbox.BeforeLicenseCommitAsync(license.ProductId, [updated], ct).ConfigureAwait(false);
        await catalog.PutAsync(license, ct).ConfigureAwait(false);
        return Remember(license, await TableOperations.SubmitAsync(tables.Licenses, [new(TableTransactionActionType.UpdateReplace, license.ToEntity(), license.ETag)], [updated], ct)
            .ConfigureAwait(false));
    }

    /// <summary>
    /// Events of the license that change none of its terms (a portal sign-in; a meter's event with its meter row among
    /// <paramref name="actions"/>): one single-partition transaction that merges the license row's event number under its
    /// ETag and creates the events, their webhook hints written first. False on a lost race.
    /// </summary>
    public async Task<bool> CommitEventsAsync(List<TableTransactionAction> actions, LicenseRow license, IReadOnlyCollection<AuditEventRow> events, CancellationToken ct)
    {
        actions.Add(new(TableTransactionActionType.UpdateMerge, license.EventSequenceEntity(), license.ETag));
        await outbox.BeforeLicenseCommitAsync(license.ProductId, events, ct).ConfigureAwait(false);

        // The terms are unchanged; the event number moved on (a writer of the license row reads it fresh).
        return Remember(license, await TableOperations.SubmitAsync(tables.Licenses, actions, events, ct).ConfigureAwait(false));
    }

    /// <summary>
    /// Deletes a license: first its row under its ETag, with its event (from then on every call answers
    /// license_not_found and no grant can commit), then its seat rows in single-partition batches. The audit events
    /// stay: the trail is append-only. False on a lost race.
    /// </summary>
    public async Task<bool> DeleteAsync(LicenseRow license, IReadOnlyList<SeatRow> seats, AuditEventRow deleted, CancellationToken ct)
    {
        await outbox.BeforeLicenseCommitAsync(license.ProductId, [deleted], ct).ConfigureAwait(false);
        if (!await TableOperations.SubmitAsync(tables.Licenses, [new(TableTransactionActionType.Delete, license.ToEntity(), license.ETag)], [deleted], ct)
                .ConfigureAwait(false))
        {
            return false;
        }

        licenseCache.Forget(license.LicenseId, license.CreationId);
        await catalog.RemoveAsync(license.LicenseId, ct).ConfigureAwait(false);
        foreach (var batch in seats.Chunk(TableOperations.MaxActions))
        {
            var actions = batch.Select(s => new TableTransactionAction(TableTransactionActionType.Delete, s.ToEntity(), ETag.All));
            try
            {
                await tables.Licenses.SubmitTransactionAsync(actions, ct).ConfigureAwait(false);
            }
            catch (RequestFailedException ex) when (StorageErrors.IsLostRace(ex))
            {
                // A row of the batch was already gone, so the batch rolled back: delete the rest one by one.
                foreach (var seat in batch)
                {
                    await DeleteIfExistsAsync(seat, ct).ConfigureAwait(false);
                }
            }
        }

        await bounds.DeleteEndedIndexAsync(license.LicenseId, ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// A page of licenses (of one product, and/or with a customer name starting with <paramref name="namePrefix"/>)
    /// and the token of the next; null when the token is not one this API handed out. Storage: one range read of the
    /// catalog, then each listed license's row by point reads, a bounded number at a time. A catalog row whose license is missing
    /// (a create under way, or one whose license write failed) is left out; one that differs from its license is
    /// rewritten from it.
    /// </summary>
    public async Task<(IReadOnlyList<LicenseRow> Licenses, string? Next)?> ListAsync(
        int pageSize, string? continuationToken, string? productId, string? namePrefix, CancellationToken ct)
    {
        if (await catalog.ReadPageAsync(pageSize, continuationToken, productId, namePrefix, ct).ConfigureAwait(false) is not { } page)
        {
            return null;
        }

        var rows = await TableOperations.PointReadAllAsync(
            tables.Licenses, page.Entries.Select(e => (e.LicenseId, TableKeys.LicenseRow)).ToArray(), ct).ConfigureAwait(false);
        var listed = new List<LicenseRow>(rows.Length);
        foreach (var (entry, read) in page.Entries.Zip(rows))
        {
            if (read is not { } row)
            {
                continue;
            }

            var license = LicenseRow.FromEntity(row);
            if (!LicenseCatalog.Matches(entry, license))
            {
                await catalog.PutAsync(license, ct).ConfigureAwait(false);
            }

            if ((productId is null || license.ProductId == productId)
                && (namePrefix is null || TableKeys.CatalogNameKey(license.CustomerName).StartsWith(TableKeys.CatalogNameKey(namePrefix), StringComparison.Ordinal)))
            {
                listed.Add(license);
            }
        }

        return (listed, page.Next);
    }

    private bool Remember(LicenseRow license, bool committed)
    {
        if (committed)
        {
            licenseCache.Put(license);
        }

        return committed;
    }

    private async Task DeleteIfExistsAsync(SeatRow seat, CancellationToken ct)
    {
        try
        {
            // Unconditional (ETag *): the license is gone, nothing may keep its rows.
            await tables.Licenses.DeleteEntityAsync(seat.LicenseId, seat.RowKey, ETag.All, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
        }
    }
}
