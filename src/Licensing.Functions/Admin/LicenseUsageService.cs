namespace Licensing.Admin;

/// <summary>One UTC hour of a license's seat usage and the units recorded on its meters, as the admin API answers it.</summary>
public sealed record UsageHour(DateTimeOffset Hour, int PeakSeats, int Grants, long Denials, IReadOnlyList<MeterUnits> Meters);

/// <summary>A license's usage, hour by hour, oldest first.</summary>
public sealed record UsageReport(IReadOnlyList<UsageHour> Hours);

/// <summary>The hours asked for: from the hour of <see cref="From"/> through the hour of <see cref="To"/>.</summary>
public sealed record UsageSpan(DateTimeOffset From, DateTimeOffset To)
{
    public static readonly TimeSpan Longest = TimeSpan.FromDays(93);
    public static readonly TimeSpan Default = TimeSpan.FromDays(30);
}

/// <summary>
/// A license's seat usage per UTC hour: every hour of the span from the license's creation up to the current hour,
/// an hour without a seat change holding the seats the change before it left (so the chart of a quiet license is flat,
/// not empty), with the units recorded on each meter in the hour (the meters without any left out). Storage: the license row and one row-key range of usage rows, read in parallel; a span without any
/// change adds one read of the next tally after it.
/// </summary>
public sealed class LicenseUsageService(LicenseStore licenses, UsageStore usage, SeatDenials denials, TimeProvider clock)
{
    public async Task<Outcome<UsageReport>> ReadAsync(string licenseId, UsageSpan span, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var first = SeatUsage.HourOf(span.From);
        var last = SeatUsage.HourOf(Min(span.To, now));
        var licenseRead = licenses.ReadAsync(licenseId, ct);
        var stored = last >= first ? usage.ReadAsync(licenseId, first, last, ct) : Task.FromResult(StoredUsage.None);
        await Task.WhenAll(licenseRead, stored).ConfigureAwait(false);
        if (licenseRead.Result is not { } license)
        {
            return new Refusal(Reasons.LicenseNotFound, $"No license '{licenseId}'.");
        }

        var created = SeatUsage.HourOf(license.IssuedAt);
        return new UsageReport(Hours(stored.Result, denials.Unwritten(licenseId), first > created ? first : created, last, license.StoredLiveSeats));
    }

    private static List<UsageHour> Hours(
        StoredUsage stored, IReadOnlyDictionary<DateTimeOffset, long> unwritten, DateTimeOffset first, DateTimeOffset last, int liveNow)
    {
        var tallies = stored.Hours.ToDictionary(u => u.Hour);
        // Before the span's first change, the seats it started from; with no change in the span, those the next change
        // after it started from; with none after either, the seats live now.
        var live = stored.Hours.Count > 0 ? stored.Hours.MinBy(u => u.Hour)!.StartSeats : stored.NextAfter?.StartSeats ?? liveNow;
        var hours = new List<UsageHour>();
        for (var hour = first; hour <= last; hour = hour.AddHours(1))
        {
            var refused = stored.Denials.GetValueOrDefault(hour) + unwritten.GetValueOrDefault(hour);
            var metered = stored.Meters.TryGetValue(hour, out var units) ? units : [];
            if (tallies.TryGetValue(hour, out var tally))
            {
                hours.Add(new UsageHour(hour, tally.PeakSeats, tally.Grants, refused, metered));
                live = tally.EndSeats;
            }
            else
            {
                hours.Add(new UsageHour(hour, live, 0, refused, metered));
            }
        }

        return hours;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
