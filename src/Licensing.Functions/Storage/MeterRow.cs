namespace Licensing.Storage;

/// <summary>
/// A license's count of one meter in its current period: a row of its own in the license's partition, created by the
/// first recording and replaced under its ETag by every later one, so concurrent recordings serialise on it alone.
/// </summary>
public sealed class MeterRow
{
    public required string LicenseId { get; init; }
    public required string Code { get; init; }

    /// <summary>The units recorded since <see cref="PeriodStart"/>.</summary>
    public long Used { get; set; }

    /// <summary>When the period this count belongs to started (the Unix epoch for a meter without a period).</summary>
    public DateTimeOffset PeriodStart { get; set; }

    /// <summary>The start of the period whose <c>usage.limit_reached</c> event was recorded, so it is recorded once per period.</summary>
    public DateTimeOffset? LimitReachedPeriod { get; set; }

    /// <summary>The UTC hour of the latest recording; <see cref="HourUnits"/> are the units recorded in it.</summary>
    public DateTimeOffset? Hour { get; set; }

    /// <summary>The units recorded in <see cref="Hour"/>: the value the hour's usage row is written with.</summary>
    public long HourUnits { get; set; }

    /// <summary>Empty for a row not yet stored: the first recording creates it.</summary>
    public ETag ETag { get; set; }

    public bool IsStored => ETag != default;

    public static MeterRow New(string licenseId, string code, DateTimeOffset periodStart) =>
        new() { LicenseId = licenseId, Code = code, PeriodStart = periodStart };

    /// <summary>Counts <paramref name="amount"/> units in the period and in the hour of <paramref name="now"/>.</summary>
    public void Count(long amount, DateTimeOffset now)
    {
        var hour = SeatUsage.HourOf(now);
        HourUnits = Hour == hour ? HourUnits + amount : amount;
        Hour = hour;
        Used += amount;
    }

    /// <summary>True when <paramref name="now"/> is past the end of the period this row counts (the next recording rolls it over).</summary>
    public bool PeriodEnded(Meter meter, DateTimeOffset now) => MeterPeriods.StartOf(meter.Period, now) > PeriodStart;

    /// <summary>
    /// The count as it stands at <paramref name="now"/>: a period that has ended starts again from zero (the lazy
    /// rollover; the row is rewritten so by the next recording).
    /// </summary>
    public MeterRow At(Meter meter, DateTimeOffset now)
    {
        var periodStart = MeterPeriods.StartOf(meter.Period, now);
        return periodStart > PeriodStart
            ? new MeterRow { LicenseId = LicenseId, Code = Code, PeriodStart = periodStart, Hour = Hour, HourUnits = HourUnits, ETag = ETag }
            : this;
    }

    public static MeterRow FromEntity(TableEntity e) => new()
    {
        LicenseId = e.PartitionKey,
        Code = e.GetString(nameof(Code)) ?? "",
        Used = e.GetInt64(nameof(Used)) ?? 0,
        PeriodStart = e.GetDateTimeOffset(nameof(PeriodStart)) ?? DateTimeOffset.UnixEpoch,
        LimitReachedPeriod = e.GetDateTimeOffset(nameof(LimitReachedPeriod)),
        Hour = e.GetDateTimeOffset(nameof(Hour)),
        HourUnits = e.GetInt64(nameof(HourUnits)) ?? 0,
        ETag = e.ETag,
    };

    public TableEntity ToEntity() => new(LicenseId, TableKeys.MeterRow(Code))
    {
        [nameof(Code)] = Code,
        [nameof(Used)] = Used,
        [nameof(PeriodStart)] = PeriodStart,
        [nameof(LimitReachedPeriod)] = LimitReachedPeriod,
        [nameof(Hour)] = Hour,
        [nameof(HourUnits)] = HourUnits,
        ETag = ETag,
    };
}

/// <summary>
/// A recorded use, keyed by the id its client chose: created in the transaction of the count, so it exists exactly when
/// the units were counted, and holds the answer that recording gave, for a retry to get again.
/// </summary>
public sealed record LedgerRow
{
    public required string LicenseId { get; init; }
    public required string EventId { get; init; }
    public required string Meter { get; init; }
    public required long Amount { get; init; }
    public required long Used { get; init; }
    public long? Limit { get; init; }
    public long? Remaining { get; init; }
    public DateTimeOffset? PeriodEndsAt { get; init; }
    public bool Overage { get; init; }
    public required DateTimeOffset At { get; init; }
    public string? MachineId { get; init; }

    /// <summary>
    /// A random id of the recording that wrote the row: a transaction whose answer storage lost, retried and refused
    /// for the row it had itself created, knows its own commit and answers it as recorded, not as a duplicate.
    /// </summary>
    public string AttemptId { get; init; } = "";

    /// <summary>The row is kept at least until then: its period's end plus the retry window.</summary>
    public required DateTimeOffset KeepUntil { get; init; }

    public static LedgerRow FromEntity(TableEntity e) => new()
    {
        LicenseId = e.PartitionKey,
        EventId = e.RowKey[(e.RowKey.IndexOf('|', StringComparison.Ordinal) + 1)..],
        Meter = e.GetString(nameof(Meter)) ?? "",
        Amount = e.GetInt64(nameof(Amount)) ?? 0,
        Used = e.GetInt64(nameof(Used)) ?? 0,
        Limit = e.GetInt64(nameof(Limit)),
        Remaining = e.GetInt64(nameof(Remaining)),
        PeriodEndsAt = e.GetDateTimeOffset(nameof(PeriodEndsAt)),
        Overage = e.GetBoolean(nameof(Overage)) ?? false,
        At = e.GetDateTimeOffset(nameof(At)) ?? DateTimeOffset.UnixEpoch,
        MachineId = e.GetString(nameof(MachineId)),
        AttemptId = e.GetString(nameof(AttemptId)) ?? "",
        KeepUntil = e.GetDateTimeOffset(nameof(KeepUntil)) ?? DateTimeOffset.MaxValue,
    };

    public TableEntity ToEntity() => new(LicenseId, TableKeys.LedgerRow(EventId))
    {
        [nameof(Meter)] = Meter,
        [nameof(Amount)] = Amount,
        [nameof(Used)] = Used,
        [nameof(Limit)] = Limit,
        [nameof(Remaining)] = Remaining,
        [nameof(PeriodEndsAt)] = PeriodEndsAt,
        [nameof(Overage)] = Overage,
        [nameof(At)] = At,
        [nameof(MachineId)] = MachineId,
        [nameof(AttemptId)] = AttemptId,
        [nameof(KeepUntil)] = KeepUntil,
    };
}
