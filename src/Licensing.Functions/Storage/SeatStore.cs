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

    /// <summary>The license row and the named seat rows: one query inside the partition.</summary>
    public async Task<LicenseRead> ReadAsync(string licenseId, IReadOnlyCollection<string> seatRows, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
        var rows = string.Join(" or ", seatRows.Prepend(TableKeys.LicenseRow).Select(rk => $"RowKey eq '{Quote(rk)}'"));
        var filter = $"PartitionKey eq '{Quote(licenseId)}' and ({rows})";
        LicenseRow? license = null;
        var seats = new Dictionary<string, SeatRow>(StringComparer.Ordinal);
        await foreach (var entity in tables.Licenses.QueryAsync<TableEntity>(filter, cancellationToken: ct).ConfigureAwait(false))
        {
            if (entity.RowKey == TableKeys.LicenseRow)
            {
                license = LicenseRow.FromEntity(entity);
            }
            else
            {
                seats[entity.RowKey] = SeatRow.FromEntity(entity);
            }
        }

        return new LicenseRead(license, seats);
    }

    /// <summary>
    /// The license row and one seat row by two point reads in parallel: constant cost however large the partition
    /// (a query with an OR of row keys is a partition scan). Two requests, one round trip of latency.
    /// </summary>
    public async Task<LicenseRead> ReadPointsAsync(string licenseId, string seatRow, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
        var license = tables.Licenses.GetEntityIfExistsAsync<TableEntity>(licenseId, TableKeys.LicenseRow, cancellationToken: ct);
        var seat = tables.Licenses.GetEntityIfExistsAsync<TableEntity>(licenseId, seatRow, cancellationToken: ct);
        await Task.WhenAll(license, seat).ConfigureAwait(false);
        var seats = new Dictionary<string, SeatRow>(StringComparer.Ordinal);
        if (seat.Result.HasValue && seat.Result.Value is { } seatEntity)
        {
            seats[seatRow] = SeatRow.FromEntity(seatEntity);
        }

        return new LicenseRead(license.Result.HasValue && license.Result.Value is { } licenseEntity ? LicenseRow.FromEntity(licenseEntity) : null, seats);
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

    /// <summary>The license row and every seat row of the partition (info and the admin API).</summary>
    public async Task<(LicenseRow? License, List<SeatRow> Seats)> ReadAllAsync(string licenseId, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {licenseId}");
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
    /// serialises every change of the seat count) and the seat rows. False when another writer won the race.
    /// </summary>
    public async Task<bool> CommitAsync(LicenseRow license, IReadOnlyCollection<SeatWrite> seats, CancellationToken ct)
    {
        if (seats.Count + 1 > TransactionLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(seats), "A seat transaction holds at most 99 seat rows.");
        }

        var actions = new List<TableTransactionAction>(seats.Count + 1)
        {
            new(TableTransactionActionType.UpdateMerge, license.SeatCounterEntity(), license.ETag),
        };
        foreach (var write in seats)
        {
            actions.Add(write.IsNew
                ? new TableTransactionAction(TableTransactionActionType.Add, write.Row.ToEntity())
                : new TableTransactionAction(TableTransactionActionType.UpdateReplace, write.Row.ToEntity(), write.Row.ETag));
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

    /// <summary>Creates the license row; false when the id (so the user key) is taken.</summary>
    public async Task<bool> AddLicenseAsync(LicenseRow license, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
        try
        {
            var response = await tables.Licenses.AddEntityAsync(license.ToEntity(), ct).ConfigureAwait(false);
            license.ETag = response.Headers.ETag ?? license.ETag;
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    /// <summary>Replaces the license row under its ETag (admin changes). False on a lost race.</summary>
    public async Task<bool> UpdateLicenseAsync(LicenseRow license, CancellationToken ct)
    {
        try
        {
            var response = await tables.Licenses.UpdateEntityAsync(license.ToEntity(), license.ETag, TableUpdateMode.Replace, ct).ConfigureAwait(false);
            license.ETag = response.Headers.ETag ?? license.ETag;
            return true;
        }
        catch (RequestFailedException ex) when (IsLostRace(ex))
        {
            return false;
        }
    }

    /// <summary>
    /// Deletes a license: first its row under its ETag (from then on every call answers license_not_found and
    /// no grant can commit), then its seat rows in single-partition batches.
    /// </summary>
    public async Task<bool> DeleteLicenseAsync(LicenseRow license, IReadOnlyList<SeatRow> seats, CancellationToken ct)
    {
        try
        {
            var response = await tables.Licenses.DeleteEntityAsync(license.LicenseId, TableKeys.LicenseRow, license.ETag, ct).ConfigureAwait(false);
            if (response.Status == 404)
            {
                return false;
            }
        }
        catch (RequestFailedException ex) when (IsLostRace(ex))
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
