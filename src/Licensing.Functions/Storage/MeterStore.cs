namespace Licensing.Storage;

/// <summary>What one recording writes: the meter's new count, the recorded use, and the events it raised.</summary>
public sealed record MeterWrite(MeterRow Meter, LedgerRow Use, LicenseRow? License, IReadOnlyCollection<AuditEventRow> Events);

/// <summary>
/// Meter rows and the usage ledger. Every write states its concurrency: a recording is one single-partition
/// transaction that creates the meter row (first use) or replaces it under its ETag, creates the use's ledger row,
/// so a retried use (its ledger row exists) fails the transaction and counts nothing, and writes the hour's units of the
/// meter whole (an upsert-replace, safe because the meter row's ETag in the same transaction makes this writer the only
/// one of that count); an event (limit reached, reset) rides in the same transaction with a merge of the license row's
/// event number under that row's ETag. Expired ledger rows are deleted under the ETags they were read with.
/// </summary>
public sealed class MeterStore(StorageTables tables, LicenseStore licenses)
{
    /// <summary>How many transactions of deletes one trim of the ledger runs at most (the rest waits for the next trim).</summary>
    private const int MaxTrimTransactions = 10;

    /// <summary>One meter's row by a point read; null before its first recording.</summary>
    public async Task<MeterRow?> ReadAsync(string licenseId, string code, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
        return await TableOperations.PointReadAsync(tables.Licenses, licenseId, TableKeys.MeterRow(code), ct).ConfigureAwait(false) is { } row
            ? MeterRow.FromEntity(row)
            : null;
    }

    /// <summary>Every meter row of the license: one row-key range.</summary>
    public async Task<IReadOnlyList<MeterRow>> ReadAllAsync(string licenseId, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {licenseId} and RowKey gt {TableKeys.MeterRowsAfter} and RowKey lt {TableKeys.MeterRowsBefore}");
        var meters = new List<MeterRow>();
        await foreach (var entity in tables.Licenses.QueryAsync<TableEntity>(filter, cancellationToken: ct).ConfigureAwait(false))
        {
            meters.Add(MeterRow.FromEntity(entity));
        }

        return meters;
    }

    /// <summary>A recorded use by its id, or null when no use with this id was counted.</summary>
    public async Task<LedgerRow?> ReadUseAsync(string licenseId, string eventId, CancellationToken ct) =>
        await TableOperations.PointReadAsync(tables.Licenses, licenseId, TableKeys.LedgerRow(eventId), ct).ConfigureAwait(false) is { } row
            ? LedgerRow.FromEntity(row)
            : null;

    /// <summary>
    /// The recording's transaction. False when it did not commit: another writer changed the meter (or the license row)
    /// first, or the use's id is in the ledger already; the caller tells the two apart by reading the ledger row.
    /// </summary>
    public async Task<bool> RecordAsync(MeterWrite write, CancellationToken ct)
    {
        var meter = write.Meter;
        var actions = new List<TableTransactionAction>(5)
        {
            MeterAction(meter),
            new(TableTransactionActionType.Add, write.Use.ToEntity()),
            new(TableTransactionActionType.UpsertReplace, UsageColumns.MeterUnitsRow(meter.LicenseId, meter.Hour!.Value, meter.Code, meter.HourUnits)),
        };
        return await CommitAsync(actions, write.License, write.Events, ct).ConfigureAwait(false);
    }

    /// <summary>A meter's count set as the row says (a reset), with its event. False on a lost race.</summary>
    public Task<bool> ResetAsync(MeterRow meter, LicenseRow license, AuditEventRow reset, CancellationToken ct) =>
        CommitAsync([MeterAction(meter)], license, [reset], ct);

    /// <summary>
    /// Deletes the license's ledger rows kept until before <paramref name="now"/> (their period ended more than the retry
    /// window ago): a query of the ledger's row-key range filtered on <c>KeepUntil</c>, then transactions of up to 100
    /// deletes, each under the ETag the row was read with (a ledger row is never changed, so the delete removes exactly
    /// the expired row). Best effort: a transaction that finds a row gone (another instance trimmed it) ends this trim,
    /// and what is left is deleted by the next one. Returns how many rows were deleted.
    /// </summary>
    public async Task<int> TrimLedgerAsync(string licenseId, DateTimeOffset now, CancellationToken ct)
    {
        var expired = TableClient.CreateQueryFilter(
            $"PartitionKey eq {licenseId} and RowKey gt {TableKeys.LedgerRowsAfter} and RowKey lt {TableKeys.LedgerRowsBefore} and KeepUntil lt {now}");
        return await TableOperations.DeleteFoundAsync(tables.Licenses, expired, MaxTrimTransactions, guarded: true, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// A deleted license's meter rows and its ledger, so a license made again with the same user key (the same partition)
    /// counts from zero and takes every event id as new. Unconditional deletes (ETag *): the license is gone, nothing may
    /// keep its counts; the ledger in transactions of up to 100.
    /// </summary>
    public async Task DeleteAllAsync(string licenseId, CancellationToken ct)
    {
        var ledger = TableClient.CreateQueryFilter(
            $"PartitionKey eq {licenseId} and RowKey gt {TableKeys.LedgerRowsAfter} and RowKey lt {TableKeys.LedgerRowsBefore}");
        await TableOperations.DeleteFoundAsync(tables.Licenses, ledger, int.MaxValue, guarded: false, ct).ConfigureAwait(false);
        foreach (var meter in await ReadAllAsync(licenseId, ct).ConfigureAwait(false))
        {
            try
            {
                await tables.Licenses.DeleteEntityAsync(licenseId, TableKeys.MeterRow(meter.Code), ETag.All, ct).ConfigureAwait(false);
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
            }
        }
    }

    private static TableTransactionAction MeterAction(MeterRow meter) => meter.IsStored
        ? new(TableTransactionActionType.UpdateReplace, meter.ToEntity(), meter.ETag)
        : new(TableTransactionActionType.Add, meter.ToEntity());

    private async Task<bool> CommitAsync(List<TableTransactionAction> actions, LicenseRow? license, IReadOnlyCollection<AuditEventRow> events, CancellationToken ct) =>
        license is not null
            ? await licenses.CommitEventsAsync(actions, license, events, ct).ConfigureAwait(false)
            : await TableOperations.SubmitAsync(tables.Licenses, actions, events, ct).ConfigureAwait(false);
}
