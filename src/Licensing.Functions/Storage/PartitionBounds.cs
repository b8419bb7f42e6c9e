namespace Licensing.Storage;

/// <summary>
/// Keeps a license's partition bounded however often its seats change: at most
/// <see cref="LicensingOptions.MaxEndedSeatsPerLicense"/> ended seats and <see cref="LicensingOptions.MaxEventsPerLicense"/>
/// audit events, each plus less than one <see cref="Batch"/>, and seat usage no older than the oldest event kept. All are
/// trimmed oldest first, by range reads of rows
/// whose keys sort by age (the ended-seat index, the event rows), never a scan: once the ended-seat index has grown a
/// batch past its cap, and each time the event numbers cross a multiple of the batch past theirs. Trimming is best
/// effort after a committed change: a trim that loses a race or fails is done by the next change that finds the
/// license over its cap.
/// </summary>
public sealed class PartitionBounds(StorageTables tables, UsageStore usage, IOptions<LicensingOptions> options)
{
    /// <summary>How far past its cap a license may grow before it is trimmed back to the cap, in one transaction.</summary>
    public const int Batch = 40;

    /// <summary>Rows one event-trimming transaction deletes, and how many such transactions one trim runs at most.</summary>
    private const int EventsPerTransaction = TableOperations.MaxActions;
    private const int MaxEventTransactions = 10;

    /// <summary>
    /// After a seat transaction committed: trims the ended seats when the index has grown a batch past the cap, and the
    /// events when the license's event numbers (from <paramref name="eventsBefore"/> to its sequence now) crossed a
    /// multiple of the batch past theirs.
    /// </summary>
    public async Task TrimAfterCommitAsync(LicenseRow license, long eventsBefore, CancellationToken ct)
    {
        var settings = options.Value;
        try
        {
            if (license.EndedSeats >= settings.MaxEndedSeatsPerLicense + Batch)
            {
                await TrimEndedSeatsAsync(license.LicenseId, settings.MaxEndedSeatsPerLicense, ct).ConfigureAwait(false);
            }

            if (license.EventSequence > settings.MaxEventsPerLicense && eventsBefore / Batch != license.EventSequence / Batch)
            {
                await TrimEventsAsync(license, settings.MaxEventsPerLicense, ct).ConfigureAwait(false);
            }
        }
        catch (RequestFailedException)
        {
            // Best effort: the change itself committed; the next one over the cap trims again.
        }
    }

    /// <summary>Deletes what is left of a deleted license's ended-seat index, batch by batch.</summary>
    public async Task DeleteEndedIndexAsync(string licenseId, CancellationToken ct)
    {
        while (await ReadEndedIndexAsync(licenseId, EventsPerTransaction, ct).ConfigureAwait(false) is { Count: > 0 } rows)
        {
            if (!await TableOperations.SubmitAsync(tables.Licenses, [.. rows.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, ETag.All))], [], ct)
                    .ConfigureAwait(false))
            {
                return;
            }
        }
    }

    /// <summary>
    /// Deletes the oldest entries of the ended-seat index down to <paramref name="cap"/>, and each entry's seat row when
    /// it is still that same ending (a seat taken again since, or purged, keeps or lacks its row), with the license's
    /// count in one transaction under the license row's ETag.
    /// </summary>
    private async Task TrimEndedSeatsAsync(string licenseId, int cap, CancellationToken ct)
    {
        if (await TableOperations.PointReadAsync(tables.Licenses, licenseId, TableKeys.LicenseRow, ct).ConfigureAwait(false) is not { } row)
        {
            return;
        }

        var license = LicenseRow.FromEntity(row);
        var excess = license.EndedSeats - cap;
        if (excess <= 0)
        {
            return;
        }

        // Each entry may delete two rows, and the license row is one more action.
        var oldest = await ReadEndedIndexAsync(licenseId, Math.Min(excess, (TableOperations.MaxActions - 1) / 2), ct).ConfigureAwait(false);
        var seatKeys = oldest.Select(e => e.GetString(EndedSeatRow)).OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
        var seatReads = seatKeys.Select(key => TableOperations.PointReadAsync(tables.Licenses, licenseId, key, ct)).ToArray();
        await Task.WhenAll(seatReads).ConfigureAwait(false);
        var seats = seatReads.Select(r => r.Result).OfType<TableEntity>().Select(SeatRow.FromEntity).ToDictionary(s => s.RowKey, StringComparer.Ordinal);

        license.EndedSeats = Math.Max(0, license.EndedSeats - oldest.Count);
        var actions = new List<TableTransactionAction> { new(TableTransactionActionType.UpdateMerge, license.SeatCounterEntity(), license.ETag) };
        foreach (var entry in oldest)
        {
            actions.Add(new TableTransactionAction(TableTransactionActionType.Delete, entry, entry.ETag));
            if (entry.GetString(EndedSeatRow) is { } seatKey && seats.Remove(seatKey, out var seat)
                && seat.State != SeatState.Live && seat.EndedAt == entry.GetDateTimeOffset(nameof(SeatRow.EndedAt)))
            {
                actions.Add(new TableTransactionAction(TableTransactionActionType.Delete, seat.ToEntity(), seat.ETag));
            }
        }

        await TableOperations.SubmitAsync(tables.Licenses, actions, [], ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Deletes the license's events older than its newest <paramref name="cap"/> (and any of an earlier license with its
    /// id), then its seat usage of the hours before the newest event deleted: usage is kept as long as the trail.
    /// </summary>
    private async Task TrimEventsAsync(LicenseRow license, int cap, CancellationToken ct)
    {
        DateTimeOffset? newestDeleted = null;
        var oldestKept = TableKeys.EventRow(license.IssuedAt, license.EventSequence - cap + 1);
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {license.LicenseId} and RowKey gt {oldestKept} and RowKey lt {TableKeys.EventRowsEnd}");
        for (var i = 0; i < MaxEventTransactions; i++)
        {
            var older = await FirstRowsAsync(filter, EventsPerTransaction, ct).ConfigureAwait(false);
            if (older.Count == 0
                || !await TableOperations.SubmitAsync(tables.Licenses, [.. older.Select(e => new TableTransactionAction(TableTransactionActionType.Delete, e, ETag.All))], [], ct)
                    .ConfigureAwait(false))
            {
                break;
            }

            var newest = older.Max(e => e.GetDateTimeOffset(nameof(AuditEventRow.At)) ?? DateTimeOffset.MinValue);
            newestDeleted = newestDeleted is { } known && known > newest ? known : newest;
        }

        if (newestDeleted is { } at)
        {
            await usage.DeleteBeforeAsync(license.LicenseId, SeatUsage.HourOf(at), ct).ConfigureAwait(false);
        }
    }

    /// <summary>The ended-seat index entry written in the same transaction as a seat's ending.</summary>
    public static TableEntity EndedIndexEntry(SeatRow seat) => new(seat.LicenseId, TableKeys.EndedRow(seat.EndedAt!.Value, seat.RowKey))
    {
        [EndedSeatRow] = seat.RowKey,
        [nameof(SeatRow.EndedAt)] = seat.EndedAt,
    };

    private const string EndedSeatRow = "SeatRow";

    private Task<List<TableEntity>> ReadEndedIndexAsync(string licenseId, int limit, CancellationToken ct) =>
        FirstRowsAsync(
            TableClient.CreateQueryFilter($"PartitionKey eq {licenseId} and RowKey gt {TableKeys.EndedRowsAfter} and RowKey lt {TableKeys.EndedRowsBefore}"),
            limit,
            ct);

    private async Task<List<TableEntity>> FirstRowsAsync(string filter, int limit, CancellationToken ct)
    {
        var rows = new List<TableEntity>(limit);
        await foreach (var entity in tables.Licenses.QueryAsync<TableEntity>(filter, maxPerPage: limit, cancellationToken: ct).ConfigureAwait(false))
        {
            rows.Add(entity);
            if (rows.Count >= limit)
            {
                break;
            }
        }

        return rows;
    }
}
