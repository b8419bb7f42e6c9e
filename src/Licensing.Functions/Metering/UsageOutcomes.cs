namespace Licensing.Metering;

/// <summary>One use to record: which meter, how many units, and the id its client chose (the same on every retry).</summary>
public sealed record UsageEvent(string Meter, long Amount, string EventId)
{
    public const long MaxAmount = 1_000_000;
    public const int MaxEventId = 128;
    public const int MaxBatch = 100;
}

/// <summary>A recording asked for by a client: the license (by user key), the machine, and the uses in the order sent.</summary>
public sealed record UsageCall(string UserKey, string MachineId, IReadOnlyList<UsageEvent> Events);

/// <summary>
/// What a recording answered: counted or not (with the reason), the meter's standing after it, whether its units went past
/// the limit, and whether it was a retry of a use already counted (then this is the first answer again).
/// </summary>
public sealed record UsageRecording(
    bool Recorded,
    string Meter,
    MeterStanding Standing,
    bool Overage = false,
    bool Duplicate = false,
    string? DeniedReason = null)
{
    public static UsageRecording Denied(string reason, string meter, MeterStanding? standing = null) =>
        new(false, meter, standing ?? MeterStanding.Unknown, DeniedReason: reason);

    /// <summary>
    /// The answer a use's ledger row holds: again, for a use counted before (<c>duplicate: true</c>), or the first time,
    /// for the recording that wrote it (<paramref name="attemptId"/>) but lost storage's answer.
    /// </summary>
    public static UsageRecording From(LedgerRow use, string attemptId) =>
        new(true, use.Meter, new MeterStanding(use.Used, use.Limit, use.Remaining, use.PeriodEndsAt), use.Overage, Duplicate: use.AttemptId != attemptId);
}

/// <summary>A meter's count as a client sees it: used in the period, the limit, what is left of it, and when the period ends.</summary>
public sealed record MeterStanding(long Used, long? Limit, long? Remaining, DateTimeOffset? PeriodEndsAt)
{
    public static readonly MeterStanding Unknown = new(0, null, null, null);

    /// <summary>The standing of a meter at <paramref name="now"/>, from its stored row (null before any recording).</summary>
    public static MeterStanding Of(Meter meter, MeterRow? row, DateTimeOffset now) =>
        Of(meter, row?.At(meter, now).Used ?? 0, now);

    public static MeterStanding Of(Meter meter, long used, DateTimeOffset now) => new(
        used,
        meter.Limit,
        meter.Limit is { } limit ? Math.Max(0, limit - used) : null,
        MeterPeriods.EndOf(meter.Period, MeterPeriods.StartOf(meter.Period, now)));
}

/// <summary>A license's meters with their standings, in the order of the license's terms.</summary>
public sealed record MeterReport(Meter Meter, MeterStanding Standing)
{
    public static IReadOnlyList<MeterReport> Of(LicenseRow license, IReadOnlyCollection<MeterRow> rows, DateTimeOffset now) =>
        license.Meters.Select(m => new MeterReport(m, MeterStanding.Of(m, rows.FirstOrDefault(r => r.Code == m.Code), now))).ToArray();
}
