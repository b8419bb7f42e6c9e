namespace Licensing.Storage;

/// <summary>
/// The license row and some of its seat rows, the seat rows read first (<see cref="SeatStore.ReadAsync"/>);
/// <paramref name="Receipt"/> is the row a call asked to read beside the seats (an offline request's answer), when it exists.
/// </summary>
public sealed record LicenseRead(LicenseRow? License, IReadOnlyDictionary<string, SeatRow> Seats, TableEntity? Receipt = null)
{
    public SeatRow? Seat(string rowKey) => Seats.GetValueOrDefault(rowKey);
}

/// <summary>A seat row to write in a seat transaction: created, or replaced under the ETag it was read with.</summary>
public sealed record SeatWrite(SeatRow Row, bool IsNew);

/// <summary>
/// Seat rows and the license's seat counter. Every write states its concurrency: a seat change and the license's
/// counter commit in one single-partition transaction under the license row's ETag, renewals merge under the seat's
/// ETag. A lost race returns false so the caller re-reads and decides again.
/// </summary>
public sealed class SeatStore(StorageTables tables, LicenseCache licenseCache, PartitionBounds bounds, WebhookOutbox outbox, LicensingMetrics metrics)
{
    /// <summary>This instance's copy of the license row (at most the cache TTL old), or null: read it fresh then.</summary>
    public LicenseRow? CachedLicense(string licenseId) => licenseCache.Get(licenseId);

    /// <summary>
    /// For calls that only read the license's terms (heartbeat): the license from this instance's cache and the named
    /// seat rows by point reads, one request per seat row; on a cache miss, <see cref="ReadAsync"/>.
    /// </summary>
    public Task<LicenseRead> ReadWithCachedLicenseAsync(string licenseId, IReadOnlyCollection<string> seatRows, CancellationToken ct) =>
        CachedLicense(licenseId) is { } cached ? ReadSeatsAsync(cached, seatRows, ct) : ReadAsync(licenseId, seatRows, ct);

    /// <summary>The named seat rows by point reads in parallel, beside a license already in hand (from the cache).</summary>
    public async Task<LicenseRead> ReadSeatsAsync(LicenseRow license, IReadOnlyCollection<string> seatRows, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
        var seatReads = seatRows.Select(rowKey => TableOperations.PointReadAsync(tables.Licenses, license.LicenseId, rowKey, ct)).ToArray();
        await Task.WhenAll(seatReads).ConfigureAwait(false);
        return new LicenseRead(license, SeatsOf(seatReads));
    }

    /// <summary>
    /// The named seat rows by point reads in parallel, then the license row: a constant cost however many seats and
    /// events the partition holds (a query with an OR of row keys would scan it). Point reads are no snapshot, so the
    /// order is what makes the counts true: every seat change commits with the license row in one transaction, so a
    /// license row read after the seat rows counts each seat as held that they show held, and a seat the caller then
    /// keeps under its ETag was held when that count was.
    /// </summary>
    public async Task<LicenseRead> ReadAsync(string licenseId, IReadOnlyCollection<string> seatRows, CancellationToken ct, string? receiptRow = null)
    {
        await tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
        var receipt = receiptRow is null ? Task.FromResult<TableEntity?>(null) : TableOperations.PointReadAsync(tables.Licenses, licenseId, receiptRow, ct);
        var seatReads = seatRows.Select(rowKey => TableOperations.PointReadAsync(tables.Licenses, licenseId, rowKey, ct)).ToArray();
        await Task.WhenAll(seatReads.Append(receipt)).ConfigureAwait(false);
        var license = await TableOperations.PointReadAsync(tables.Licenses, licenseId, TableKeys.LicenseRow, ct).ConfigureAwait(false);
        return new LicenseRead(Remember(licenseId, license is { } row ? LicenseRow.FromEntity(row) : null), SeatsOf(seatReads), receipt.Result);
    }

    /// <summary>One row of a license's partition that is neither the license nor a seat (an offline request's answer).</summary>
    public async Task<TableEntity?> ReadRowAsync(string licenseId, string rowKey, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
        return await TableOperations.PointReadAsync(tables.Licenses, licenseId, rowKey, ct).ConfigureAwait(false);
    }

    /// <summary>Creates a row of a license's partition on its own (a create: false when it exists already).</summary>
    public async Task<bool> CreateRowAsync(TableEntity row, CancellationToken ct)
    {
        try
        {
            await tables.Licenses.AddEntityAsync(row, ct).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    /// <summary>A license row just read fresh refreshes this instance's cache (or clears it when the row is gone).</summary>
    private LicenseRow? Remember(string licenseId, LicenseRow? license)
    {
        if (license is null)
        {
            licenseCache.Forget(licenseId);
        }
        else
        {
            licenseCache.Put(license);
        }

        return license;
    }

    private static Dictionary<string, SeatRow> SeatsOf(IEnumerable<Task<TableEntity?>> seatReads)
    {
        var seats = new Dictionary<string, SeatRow>(StringComparer.Ordinal);
        foreach (var read in seatReads)
        {
            if (read.Result is { } entity)
            {
                seats[entity.RowKey] = SeatRow.FromEntity(entity);
            }
        }

        return seats;
    }

    /// <summary>
    /// Leases still stored as live whose expiry has passed: they hold no seat, and a grant that needs their
    /// place ends them in its own transaction. Only read when the license looks full.
    /// </summary>
    public async Task<List<SeatRow>> ReadLapsedLeasesAsync(string licenseId, DateTimeOffset now, int limit, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {licenseId} and RowKey gt {TableKeys.LeaseRowsAfter} and RowKey lt {TableKeys.LeaseRowsBefore} and State eq {SeatState.Live} and ExpireAt le {now}");
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
    /// The earliest expiry of the license's live leases, or null when it has none: reads only the ExpireAt column of
    /// each live lease row (a full pool's one read of all its leases, before <see cref="RememberNoLapseBeforeAsync"/>).
    /// </summary>
    public async Task<DateTimeOffset?> ReadEarliestLeaseExpiryAsync(string licenseId, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {licenseId} and RowKey gt {TableKeys.LeaseRowsAfter} and RowKey lt {TableKeys.LeaseRowsBefore} and State eq {SeatState.Live}");
        DateTimeOffset? earliest = null;
        await foreach (var entity in tables.Licenses.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: [nameof(SeatRow.ExpireAt)], cancellationToken: ct).ConfigureAwait(false))
        {
            if (entity.GetDateTimeOffset(nameof(SeatRow.ExpireAt)) is { } expireAt && (earliest is null || expireAt < earliest))
            {
                earliest = expireAt;
            }
        }

        return earliest;
    }

    /// <summary>
    /// Merges <see cref="LicenseRow.NoLapseBefore"/> under the license row's ETag. A lost race is no harm: whoever
    /// changed the row decided afresh, and the next full refusal reads the leases again.
    /// </summary>
    public async Task RememberNoLapseBeforeAsync(LicenseRow license, CancellationToken ct)
    {
        try
        {
            var response = await tables.Licenses.UpdateEntityAsync(license.NoLapseBeforeEntity(), license.ETag, TableUpdateMode.Merge, ct).ConfigureAwait(false);
            license.ETag = response.Headers.ETag ?? license.ETag;
            licenseCache.Put(license);
        }
        catch (RequestFailedException ex) when (StorageErrors.IsLostRace(ex))
        {
            licenseCache.Forget(license.LicenseId);
        }
    }

    /// <summary>
    /// The license row and every seat row of the partition (info and the admin API): one row-key range that
    /// leaves the audit events out.
    /// </summary>
    public async Task<(LicenseRow? License, List<SeatRow> Seats)> ReadAllAsync(string licenseId, CancellationToken ct)
    {
        var (license, seats, _) = await ReadAllWithMetersAsync(licenseId, ct).ConfigureAwait(false);
        return (license, seats);
    }

    /// <summary>As <see cref="ReadAllAsync"/>, with the license's meter rows, which sort inside the same range.</summary>
    public async Task<(LicenseRow? License, List<SeatRow> Seats, List<MeterRow> Meters)> ReadAllWithMetersAsync(string licenseId, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {licenseId} and RowKey ge {TableKeys.LicenseRow}");
        LicenseRow? license = null;
        var seats = new List<SeatRow>();
        var meters = new List<MeterRow>();
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
            else if (TableKeys.IsMeterRow(entity.RowKey))
            {
                meters.Add(MeterRow.FromEntity(entity));
            }
        }

        return (Remember(licenseId, license), seats, meters);
    }

    /// <summary>A page of the license's seat rows (one row-key range) and the token of the next; null when the token is not ours.</summary>
    public async Task<(IReadOnlyList<SeatRow> Seats, string? Next)?> ReadSeatPageAsync(string licenseId, int pageSize, string? continuationToken, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {licenseId} and RowKey gt {TableKeys.SeatPrefix} and RowKey lt {TableKeys.SeatRowsEnd}");
        return await TablePages.ReadAsync(tables.Licenses, filter, pageSize, continuationToken, ct).ConfigureAwait(false) is { } page
            ? (page.Rows.Select(SeatRow.FromEntity).ToArray(), page.Next)
            : null;
    }

    /// <summary>
    /// One single-partition transaction: the license's seat counter (merged under the license row's ETag, which
    /// serialises every change of the seat count) with its hour's seat usage, that hour's usage row, the seat rows and
    /// the audit events recording the change (created, so they exist exactly when the change committed). A seat that ends gets its entry in the license's ended-seat
    /// index in the same transaction; once committed, the partition is trimmed when over its bounds
    /// (<see cref="PartitionBounds"/>). False when another writer won the race.
    /// </summary>
    /// <param name="receipt">A row created in the same transaction (an offline request's answer); a duplicate loses the race.</param>
    public async Task<bool> CommitAsync(
        LicenseRow license, IReadOnlyCollection<SeatWrite> seats, IReadOnlyCollection<AuditEventRow> events, CancellationToken ct, TableEntity? receipt = null)
    {
        var (endedBefore, usageBefore, storedBefore) = (license.EndedSeats, license.Usage, license.StoredLiveSeats);
        var change = Stage(license, seats, events);
        var actions = new List<TableTransactionAction>(change.RowActions.Count + events.Count + 2)
        {
            new(TableTransactionActionType.UpdateMerge, change.Counters, license.ETag),
            new(TableTransactionActionType.UpsertReplace, change.UsageRow),
        };
        actions.AddRange(change.RowActions);
        if (receipt is not null)
        {
            actions.Add(new TableTransactionAction(TableTransactionActionType.Add, receipt));
        }

        await outbox.BeforeLicenseCommitAsync(license.ProductId, events, ct).ConfigureAwait(false);
        if (!await TableOperations.SubmitAsync(tables.Licenses, actions, events, ct).ConfigureAwait(false))
        {
            (license.EndedSeats, license.Usage, license.StoredLiveSeats) = (endedBefore, usageBefore, storedBefore);
            return false;
        }

        metrics.SeatsChanged(events);
        licenseCache.Put(license);
        await bounds.TrimAfterCommitAsync(license, change.EventsBefore, ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Applies a seat change (its counters and the hour's usage) to the license in hand and returns what committing it
    /// writes, as <see cref="CommitAsync"/> would; nothing is written yet.
    /// </summary>
    public static StagedSeatChange Stage(LicenseRow license, IReadOnlyCollection<SeatWrite> seats, IReadOnlyCollection<AuditEventRow> events)
    {
        var endings = seats.Select(w => w.Row).Where(s => s.State != SeatState.Live && s.EndedAt is not null).ToArray();
        var eventsBefore = license.EventSequence - events.Count;
        license.EndedSeats += endings.Length;
        license.Usage = SeatUsage.After(license.Usage, events.Max(e => e.At), license.StoredLiveSeats, license.LiveSeats, events.Count(AuditEvents.IsGrant));
        license.StoredLiveSeats = license.LiveSeats;
        var rows = seats
            .Select(write => write.IsNew
                ? new TableTransactionAction(TableTransactionActionType.Add, write.Row.ToEntity())
                : new TableTransactionAction(TableTransactionActionType.UpdateReplace, write.Row.ToEntity(), write.Row.ETag))
            .Concat(endings.Select(s => new TableTransactionAction(TableTransactionActionType.UpsertReplace, PartitionBounds.EndedIndexEntry(s))))
            .ToArray();
        return new StagedSeatChange(rows, [.. events], license.SeatCounterEntity(), UsageColumns.UsageRow(license.LicenseId, license.Usage), eventsBefore);
    }

    /// <summary>A renewal (<see cref="RenewSeatAsync"/>) staged to commit with other changes of its license: the seat's merge under its ETag.</summary>
    public static StagedSeatChange StageRenewal(LicenseRow license, SeatRow seat) =>
        new([new TableTransactionAction(TableTransactionActionType.UpdateMerge, RenewalEntity(seat), seat.ETag)], [], license.SeatCounterEntity(), null, license.EventSequence);

    /// <summary>
    /// Commits changes staged one after another on <paramref name="license"/> (read with the ETag it holds), in order,
    /// in as few single-partition transactions as the action limit allows: each carries its changes' rows and events,
    /// the license row's counters as they stand after its last change (merged under the ETag the previous transaction
    /// left) and the usage rows of the hours it touched. Answers how many changes committed: all of them, or the ones
    /// before the transaction another writer's change of the license row defeated.
    /// </summary>
    public async Task<int> CommitStagedAsync(LicenseRow license, IReadOnlyList<StagedSeatChange> changes, CancellationToken ct)
    {
        var committed = 0;
        if (changes.Count == 0)
        {
            return committed;
        }

        foreach (var group in Transactions(changes))
        {
            var usageRows = group.Where(c => c.UsageRow is not null).GroupBy(c => c.UsageRow!.RowKey).Select(g => g.Last().UsageRow!);
            var actions = new List<TableTransactionAction>(TableOperations.MaxActions) { new(TableTransactionActionType.UpdateMerge, group[^1].Counters, license.ETag) };
            actions.AddRange(usageRows.Select(row => new TableTransactionAction(TableTransactionActionType.UpsertReplace, row)));
            actions.AddRange(group.SelectMany(c => c.RowActions));
            var events = group.SelectMany(c => c.Events).ToArray();
            await outbox.BeforeLicenseCommitAsync(license.ProductId, events, ct).ConfigureAwait(false);
            var answers = await TableOperations.SubmitForAnswersAsync(tables.Licenses, actions, events, ct).ConfigureAwait(false);
            if (answers is null)
            {
                return committed;
            }

            metrics.SeatsChanged(events);
            committed += group.Count;
            if (answers[0].Headers.ETag is not { } etag)
            {
                return committed; // without the row's new ETag the next transaction could not be guarded: its changes are decided again
            }

            license.ETag = etag;
        }

        licenseCache.Put(license);
        await bounds.TrimAfterCommitAsync(license, changes[0].EventsBefore, ct).ConfigureAwait(false);
        return committed;
    }

    /// <summary>Consecutive changes packed into transactions of at most the action limit (a change is never split).</summary>
    private static IEnumerable<List<StagedSeatChange>> Transactions(IReadOnlyList<StagedSeatChange> changes)
    {
        var group = new List<StagedSeatChange>();
        foreach (var change in changes)
        {
            if (group.Count > 0 && ActionsOf([.. group, change]) > TableOperations.MaxActions)
            {
                yield return group;
                group = [];
            }

            group.Add(change);
        }

        if (group.Count > 0)
        {
            yield return group;
        }
    }

    private static int ActionsOf(List<StagedSeatChange> group) =>
        1 + group.Where(c => c.UsageRow is not null).Select(c => c.UsageRow!.RowKey).Distinct(StringComparer.Ordinal).Count() + group.Sum(c => c.Size);

    /// <summary>
    /// Renews a live seat (heartbeat, repeated request, activation token renewal): merges only what a renewal
    /// changes, under the row's ETag, so it cannot revive a seat a concurrent grant ended. False on a lost race.
    /// </summary>
    public async Task<bool> RenewSeatAsync(SeatRow seat, CancellationToken ct)
    {
        try
        {
            var response = await tables.Licenses.UpdateEntityAsync(RenewalEntity(seat), seat.ETag, TableUpdateMode.Merge, ct).ConfigureAwait(false);
            seat.ETag = response.Headers.ETag ?? seat.ETag;
            return true;
        }
        catch (RequestFailedException ex) when (StorageErrors.IsLostRace(ex))
        {
            return false;
        }
    }

    /// <summary>Only what a renewal changes, for a merge under the seat's ETag.</summary>
    private static TableEntity RenewalEntity(SeatRow seat)
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

        return renewal;
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
        catch (RequestFailedException ex) when (StorageErrors.IsLostRace(ex))
        {
            return false;
        }
    }

}
