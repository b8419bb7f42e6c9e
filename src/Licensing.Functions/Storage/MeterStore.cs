using Azure;
using Azure.Data.Tables;

namespace Licensing.Storage;

/// <summary>What one recording writes: the meter's new count, the recorded use, and the events it raised.</summary>
public sealed record MeterWrite(MeterRow Meter, LedgerRow Use, LicenseRow? License, IReadOnlyCollection<AuditEventRow> Events);

/// <summary>
/// Meter rows and the usage ledger. Every write states its concurrency: a recording is one single-partition
/// transaction that creates the meter row (first use) or replaces it under its ETag, and creates the use's ledger row,
/// so a retried use (its ledger row exists) fails the transaction and counts nothing; an event (limit reached, reset)
/// rides in the same transaction with a merge of the license row's event number under that row's ETag.
/// </summary>
public sealed class MeterStore(StorageTables tables, LicenseStore licenses)
{
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
        var actions = new List<TableTransactionAction>(4) { MeterAction(write.Meter), new(TableTransactionActionType.Add, write.Use.ToEntity()) };
        return await CommitAsync(actions, write.License, write.Events, ct).ConfigureAwait(false);
    }

    /// <summary>A meter's count set as the row says (a reset), with its event. False on a lost race.</summary>
    public Task<bool> ResetAsync(MeterRow meter, LicenseRow license, AuditEventRow reset, CancellationToken ct) =>
        CommitAsync([MeterAction(meter)], license, [reset], ct);

    /// <summary>A deleted license's meter rows, so a license made again with the same user key counts from zero.</summary>
    public async Task DeleteAllAsync(string licenseId, CancellationToken ct)
    {
        foreach (var meter in await ReadAllAsync(licenseId, ct).ConfigureAwait(false))
        {
            try
            {
                // Unconditional (ETag *): the license is gone, nothing may keep its counts.
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
