namespace Licensing.Storage;

/// <summary>
/// The stored usage of a span of hours: each hour's tally, each hour's refusals (every instance's), each hour's units per
/// meter (in code order), and the next tally after it.
/// </summary>
public sealed record StoredUsage(
    IReadOnlyList<SeatUsage> Hours,
    IReadOnlyDictionary<DateTimeOffset, long> Denials,
    IReadOnlyDictionary<DateTimeOffset, List<MeterUnits>> Meters,
    SeatUsage? NextAfter)
{
    public static readonly StoredUsage None = new([], new Dictionary<DateTimeOffset, long>(), new Dictionary<DateTimeOffset, List<MeterUnits>>(), null);
}

/// <summary>
/// Seat usage rows: each hour's tally is written by the seat changes themselves (<see cref="SeatStore.CommitAsync"/>);
/// so are each hour's units of a meter (<see cref="MeterStore.RecordAsync"/>); this store reads a span of them by one row-key range, writes an instance's refusal count of an hour (each instance
/// only its own row, so an upsert-replace never loses another's count), and trims them with the audit trail.
/// </summary>
public sealed class UsageStore(StorageTables tables)
{
    /// <summary>How many usage rows one trim deletes at most (a batch per transaction).</summary>
    private const int MaxTrimTransactions = 10;

    /// <summary>The usage rows of the hours from <paramref name="first"/> to <paramref name="last"/>, both included.</summary>
    public async Task<StoredUsage> ReadAsync(string licenseId, DateTimeOffset first, DateTimeOffset last, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
        var rangeEnd = TableKeys.UsageRow(last) + "}";
        var hours = new List<SeatUsage>();
        var denials = new Dictionary<DateTimeOffset, long>();
        var meters = new Dictionary<DateTimeOffset, List<MeterUnits>>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {licenseId} and RowKey ge {TableKeys.UsageRow(first)} and RowKey lt {rangeEnd}");
        await foreach (var entity in tables.Licenses.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: ct).ConfigureAwait(false))
        {
            if (TableKeys.IsUsageMeterRow(entity.RowKey))
            {
                if (TableKeys.HourOfUsageRow(entity.RowKey) is { } hour)
                {
                    if (!meters.TryGetValue(hour, out var units))
                    {
                        meters[hour] = units = [];
                    }

                    units.Add(UsageColumns.ReadMeterUnits(entity));
                }
            }
            else if (TableKeys.IsUsageDenialsRow(entity.RowKey))
            {
                if (TableKeys.HourOfUsageRow(entity.RowKey) is { } hour)
                {
                    denials[hour] = denials.GetValueOrDefault(hour) + UsageColumns.ReadDenials(entity);
                }
            }
            else if (UsageColumns.Read(entity) is { } usage)
            {
                hours.Add(usage);
            }
        }

        return new StoredUsage(hours, denials, meters, hours.Count == 0 ? await FirstTallyAfterAsync(licenseId, rangeEnd, ct).ConfigureAwait(false) : null);
    }

    /// <summary>The first hour's tally after the span (its live seats at start are the span's, when the span saw no change).</summary>
    private async Task<SeatUsage?> FirstTallyAfterAsync(string licenseId, string after, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {licenseId} and RowKey ge {after} and RowKey lt {TableKeys.UsageRowsBefore}");
        await foreach (var entity in tables.Licenses.QueryAsync<TableEntity>(filter, maxPerPage: 100, cancellationToken: ct).ConfigureAwait(false))
        {
            if (!TableKeys.IsUsageDenialsRow(entity.RowKey) && !TableKeys.IsUsageMeterRow(entity.RowKey) && UsageColumns.Read(entity) is { } usage)
            {
                return usage;
            }
        }

        return null;
    }

    /// <summary>Writes this instance's count of refusals in the hour (its running total, replacing its earlier one).</summary>
    public async Task WriteDenialsAsync(string licenseId, DateTimeOffset hour, string instanceId, long denials, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
        await tables.Licenses.UpsertEntityAsync(UsageColumns.DenialsRow(licenseId, hour, instanceId, denials), TableUpdateMode.Replace, ct).ConfigureAwait(false);
    }

    /// <summary>Deletes the license's usage rows of the hours before <paramref name="hour"/> (the audit trail no longer reaches them).</summary>
    public async Task DeleteBeforeAsync(string licenseId, DateTimeOffset hour, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {licenseId} and RowKey gt {TableKeys.UsageRowsAfter} and RowKey lt {TableKeys.UsageRow(hour)}");
        await TableOperations.DeleteFoundAsync(tables.Licenses, filter, MaxTrimTransactions, guarded: false, ct).ConfigureAwait(false);
    }
}
