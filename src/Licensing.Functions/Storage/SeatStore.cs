using Azure;
using Azure.Data.Tables;
using Licensing.Domain;

namespace Licensing.Storage;

/// <summary>The license row and some of its seat rows, read in one round trip.</summary>
public sealed record LicenseRead(LicenseRow? License, IReadOnlyDictionary<string, SeatRow> Seats)
{
    public SeatRow? Seat(string rowKey) => Seats.GetValueOrDefault(rowKey);
}

/// <summary>A seat row to write in a seat transaction: created, or replaced under the ETag it was read with.</summary>
public sealed record SeatWrite(SeatRow Row, bool IsNew);

/// <summary>
/// Storage of licenses and seats. Every write states its concurrency: creates fail on a duplicate, updates
/// carry the ETag they read, and a seat change and the license's counter commit in one single-partition
/// transaction. A lost race returns false so the caller re-reads and decides again.
/// </summary>
public sealed class SeatStore(StorageTables tables)
{
    private const int TransactionLimit = 100;

    /// <summary>
    /// The license row and the named seat rows by point reads in parallel: one round trip of latency, and a
    /// constant cost however many seats and events the partition holds (a query with an OR of row keys would scan it).
    /// </summary>
    public async Task<LicenseRead> ReadAsync(string licenseId, IReadOnlyCollection<string> seatRows, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
        var license = PointReadAsync(licenseId, TableKeys.LicenseRow, ct);
        var seatReads = seatRows.Select(rowKey => PointReadAsync(licenseId, rowKey, ct)).ToArray();
        await Task.WhenAll(seatReads.Prepend(license)).ConfigureAwait(false);
        var seats = new Dictionary<string, SeatRow>(StringComparer.Ordinal);
        foreach (var read in seatReads)
        {
            if (read.Result is { } entity)
            {
                seats[entity.RowKey] = SeatRow.FromEntity(entity);
            }
        }

        return new LicenseRead(license.Result is { } row ? LicenseRow.FromEntity(row) : null, seats);
    }

    private async Task<TableEntity?> PointReadAsync(string partitionKey, string rowKey, CancellationToken ct)
    {
        var response = await tables.Licenses.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, cancellationToken: ct).ConfigureAwait(false);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>
    /// Leases still stored as live whose expiry has passed: they hold no seat, and a grant that needs their
    /// place ends them in its own transaction. Only read when the license looks full.
    /// </summary>
    public async Task<List<SeatRow>> ReadLapsedLeasesAsync(string licenseId, DateTimeOffset now, int limit, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {licenseId} and RowKey gt {TableKeys.SeatPrefix + "lease|"} and RowKey lt {TableKeys.SeatPrefix + "lease}"} and State eq {SeatState.Live} and ExpireAt le {now}");
        var lapsed = new List<SeatRow>();
        await foreach (var entity in tables.Licenses.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(limit, 1000), cancellationToken: ct).ConfigureAwait(false))
        {
            lapsed.Add(SeatRow.FromEntity(entity));
            if (lapsed.Count >= limit)
            {
                break;
            }
        }

        return lapsed;
    }

    /// <summary>
    /// The license row and every seat row of the partition (info and the admin API): one row-key range that
    /// leaves the audit events out.
    /// </summary>
    public async Task<(LicenseRow? License, List<SeatRow> Seats)> ReadAllAsync(string licenseId, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {licenseId} and RowKey ge {TableKeys.LicenseRow}");
        LicenseRow? license = null;
        var seats = new List<SeatRow>();
        await foreach (var entity in tables.Licenses.QueryAsync<TableEntity>(filter, cancellationToken: ct).ConfigureAwait(false))
        {
            if (entity.RowKey == TableKeys.LicenseRow)
            {
                license = LicenseRow.FromEntity(entity);
            }
            else if (TableKeys.IsSeatRow(entity.RowKey))
            {
                seats.Add(SeatRow.FromEntity(entity));
            }
        }

        return (license, seats);
    }

    /// <summary>
    /// One single-partition transaction: the license's seat counter (merged under the license row's ETag, which
    /// serialises every change of the seat count), the seat rows and the audit events recording the change (created,
    /// so they exist exactly when the change committed). False when another writer won the race.
    /// </summary>
    public Task<bool> CommitAsync(LicenseRow license, IReadOnlyCollection<SeatWrite> seats, IReadOnlyCollection<AuditEventRow> events, CancellationToken ct)
    {
        var actions = new List<TableTransactionAction>(seats.Count + events.Count + 1)
        {
            new(TableTransactionActionType.UpdateMerge, license.SeatCounterEntity(), license.ETag),
        };
        foreach (var write in seats)
        {
            actions.Add(write.IsNew
                ? new TableTransactionAction(TableTransactionActionType.Add, write.Row.ToEntity())
                : new TableTransactionAction(TableTransactionActionType.UpdateReplace, write.Row.ToEntity(), write.Row.ETag));
        }

        return SubmitAsync(actions, events, ct);
    }

    /// <summary>The actions and their events as one transaction; false on a lost race (404, 409 or 412).</summary>
    private async Task<bool> SubmitAsync(List<TableTransactionAction> actions, IReadOnlyCollection<AuditEventRow> events, CancellationToken ct)
    {
        actions.AddRange(events.Select(e => new TableTransactionAction(TableTransactionActionType.Add, e.ToEntity())));
        if (actions.Count > TransactionLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(actions), $"A transaction holds at most {TransactionLimit} actions.");
        }

        try
        {
            await tables.Licenses.SubmitTransactionAsync(actions, ct).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (IsLostRace(ex))
        {
            return false;
        }
    }

    /// <summary>
    /// Renews a live seat (heartbeat, repeated request, activation token renewal): merges only what a renewal
    /// changes, under the row's ETag, so it cannot revive a seat a concurrent grant ended. False on a lost race.
    /// </summary>
    public async Task<bool> RenewSeatAsync(SeatRow seat, CancellationToken ct)
    {
        var renewal = new TableEntity(seat.LicenseId, seat.RowKey)
        {
            [nameof(SeatRow.ExpireAt)] = seat.ExpireAt,
            [nameof(SeatRow.LastHeartbeat)] = seat.LastHeartbeat,
            [nameof(SeatRow.ClientAddr)] = seat.ClientAddr,
        };
        if (seat.ClientName is not null)
        {
            renewal[nameof(SeatRow.ClientName)] = seat.ClientName;
        }

        try
        {
            var response = await tables.Licenses.UpdateEntityAsync(renewal, seat.ETag, TableUpdateMode.Merge, ct).ConfigureAwait(false);
            seat.ETag = response.Headers.ETag ?? seat.ETag;
            return true;
        }
        catch (RequestFailedException ex) when (IsLostRace(ex))
        {
            return false;
        }
    }

    /// <summary>Deletes an ended seat row under its ETag (purge). False when it changed or is gone.</summary>
    public async Task<bool> DeleteSeatAsync(SeatRow seat, CancellationToken ct)
    {
        try
        {
            // A missing row comes back as status 404, not an exception.
            var response = await tables.Licenses.DeleteEntityAsync(seat.LicenseId, seat.RowKey, seat.ETag, ct).ConfigureAwait(false);
            return response.Status != 404;
        }
        catch (RequestFailedException ex) when (IsLostRace(ex))
        {
            return false;
        }
    }

    /// <summary>Creates the license row with its event in one transaction; false when the id (so the user key) is taken.</summary>
    public async Task<bool> AddLicenseAsync(LicenseRow license, AuditEventRow created, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
        return await SubmitAsync([new(TableTransactionActionType.Add, license.ToEntity())], [created], ct).ConfigureAwait(false);
    }

    /// <summary>Replaces the license row under its ETag (admin changes), with its event. False on a lost race.</summary>
    public Task<bool> UpdateLicenseAsync(LicenseRow license, AuditEventRow updated, CancellationToken ct) =>
        SubmitAsync([new(TableTransactionActionType.UpdateReplace, license.ToEntity(), license.ETag)], [updated], ct);

    /// <summary>
    /// Deletes a license: first its row under its ETag, with its event (from then on every call answers
    /// license_not_found and no grant can commit), then its seat rows in single-partition batches. The audit events
    /// stay: the trail is append-only.
    /// </summary>
    public async Task<bool> DeleteLicenseAsync(LicenseRow license, IReadOnlyList<SeatRow> seats, AuditEventRow deleted, CancellationToken ct)
    {
        if (!await SubmitAsync([new(TableTransactionActionType.Delete, license.ToEntity(), license.ETag)], [deleted], ct).ConfigureAwait(false))
        {
            return false;
        }

        foreach (var batch in seats.Chunk(TransactionLimit))
        {
            var actions = batch.Select(s => new TableTransactionAction(TableTransactionActionType.Delete, s.ToEntity(), ETag.All));
            try
            {
                await tables.Licenses.SubmitTransactionAsync(actions, ct).ConfigureAwait(false);
            }
            catch (RequestFailedException ex) when (IsLostRace(ex))
            {
                // A row of the batch was already gone, so the batch rolled back: delete the rest one by one.
                foreach (var seat in batch)
                {
                    await DeleteIfExistsAsync(seat, ct).ConfigureAwait(false);
                }
            }
        }

        return true;
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

    public static bool IsLostRace(RequestFailedException ex) => ex.Status is 404 or 409 or 412;

    private static string Quote(string value) => value.Replace("'", "''", StringComparison.Ordinal);
}
