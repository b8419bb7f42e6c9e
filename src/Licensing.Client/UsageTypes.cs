namespace Licensing.Client;

/// <summary>A meter of a license and its count in the current period (validate, info, the admin view).</summary>
public sealed class MeterStanding
{
    public string Code { get; set; } = "";
    public long Used { get; set; }

    /// <summary>Units allowed per period; null: unlimited.</summary>
    public long? Limit { get; set; }

    /// <summary>What is left of the limit (never below 0); null when unlimited.</summary>
    public long? Remaining { get; set; }

    /// <summary>When the count starts again; null for a meter that never resets.</summary>
    public DateTimeOffset? PeriodEndsAt { get; set; }
    public string? ResetPeriod { get; set; }
    public long Overage { get; set; }
}

/// <summary>
/// A meter's terms, as licenses and policies are created and changed with them: what it counts, the units a period
/// allows (null: unlimited), when the count starts again (<c>day</c>, <c>week</c>, <c>month</c>, <c>year</c>; null:
/// never), and the units still recorded past the limit, flagged as overage.
/// </summary>
public sealed class LicenseMeter
{
    public string Code { get; set; } = "";
    public long? Limit { get; set; }
    public string? ResetPeriod { get; set; }
    public long? Overage { get; set; }
}

/// <summary>One use to record: the meter, the units and the id that makes a retry count once.</summary>
public sealed class UsageEvent
{
    public string Meter { get; set; } = "";
    public long Amount { get; set; }
    public string EventId { get; set; } = "";
}

/// <summary>The answer to one use: counted or not (and why), what is left, and whether it was a retry of a counted use.</summary>
public sealed class UsageAnswer
{
    public bool Recorded { get; set; }
    public string Meter { get; set; } = "";
    public long Used { get; set; }
    public long? Limit { get; set; }

    /// <summary>What is left of the limit after this use (never below 0); null when unlimited.</summary>
    public long? Remaining { get; set; }
    public DateTimeOffset? PeriodEndsAt { get; set; }

    /// <summary>True when this use's units went past the limit (within the meter's overage).</summary>
    public bool Overage { get; set; }

    /// <summary>True when the server had counted this eventId before: this is its first answer again.</summary>
    public bool Duplicate { get; set; }

    [JsonPropertyName("reason")]
    public string? ReasonCode { get; set; }
    public string? Message { get; set; }

    [JsonIgnore]
    public LicenseReason? Reason => LicenseReasons.Parse(ReasonCode);
}

/// <summary>The answer to a batch: one answer per use, in the order sent.</summary>
public sealed class UsageBatchAnswer
{
    public List<UsageAnswer> Items { get; set; } = [];
}
