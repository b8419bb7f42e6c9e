namespace Licensing.Storage;

/// <summary>A policy: a named template of license terms of one product, copied into the licenses created from it.</summary>
public sealed class PolicyRow
{
    public required string PolicyId { get; init; }
    public required string ProductId { get; init; }
    public string Name { get; set; } = "";
    public LicensingMode Mode { get; set; }
    public int MaxClientCount { get; set; }
    public int OverageSeats { get; set; }
    public int MaxTransfers { get; set; }

    /// <summary>How long a license made from the policy runs (its expireAt = creation + duration); null: no end.</summary>
    public TimeSpan? Duration { get; set; }
    public TimeSpan? SupportDuration { get; set; }
    public TimeSpan? HeartbeatInterval { get; set; }
    public TimeSpan GracePeriod { get; set; }
    public TimeSpan MaxBorrowDuration { get; set; }
    public IReadOnlyList<Entitlement> Entitlements { get; set; } = [];
    public IReadOnlyList<Meter> Meters { get; set; } = [];
    public bool Trial { get; set; }

    /// <summary>Whether licenses made from the policy open the customer portal to their owners (copied at creation).</summary>
    public bool Portal { get; set; } = true;
    public DateTimeOffset CreatedAt { get; init; }
    public ETag ETag { get; set; }

    public static PolicyRow FromEntity(TableEntity e) => new()
    {
        PolicyId = e.RowKey,
        ProductId = e.GetString(nameof(ProductId)) ?? "default",
        Name = e.GetString(nameof(Name)) ?? "",
        Mode = (LicensingMode)(e.GetInt32(nameof(Mode)) ?? 0),
        MaxClientCount = e.GetInt32(nameof(MaxClientCount)) ?? 1,
        OverageSeats = e.GetInt32(nameof(OverageSeats)) ?? 0,
        MaxTransfers = e.GetInt32(nameof(MaxTransfers)) ?? 0,
        Duration = Span(e.GetInt64("DurationTicks")),
        SupportDuration = Span(e.GetInt64("SupportDurationTicks")),
        HeartbeatInterval = Span(e.GetInt64("HeartbeatIntervalTicks")),
        GracePeriod = TimeSpan.FromTicks(e.GetInt64("GracePeriodTicks") ?? 0),
        MaxBorrowDuration = TimeSpan.FromTicks(e.GetInt64("MaxBorrowDurationTicks") ?? 0),
        Entitlements = EntitlementList.Parse(e.GetString(nameof(Entitlements)), featuresJson: null),
        Meters = MeterList.Parse(e.GetString(nameof(Meters))),
        Trial = e.GetBoolean(nameof(Trial)) ?? false,
        Portal = e.GetBoolean(nameof(Portal)) ?? true,
        CreatedAt = e.GetDateTimeOffset(nameof(CreatedAt)) ?? DateTimeOffset.UnixEpoch,
        ETag = e.ETag,
    };

    public TableEntity ToEntity() => new(TableKeys.PolicyPartition(ProductId), PolicyId)
    {
        [nameof(ProductId)] = ProductId,
        [nameof(Name)] = Name,
        [nameof(Mode)] = (int)Mode,
        [nameof(MaxClientCount)] = MaxClientCount,
        [nameof(OverageSeats)] = OverageSeats,
        [nameof(MaxTransfers)] = MaxTransfers,
        ["DurationTicks"] = Duration?.Ticks,
        ["SupportDurationTicks"] = SupportDuration?.Ticks,
        ["HeartbeatIntervalTicks"] = HeartbeatInterval?.Ticks,
        ["GracePeriodTicks"] = GracePeriod.Ticks,
        ["MaxBorrowDurationTicks"] = MaxBorrowDuration.Ticks,
        [nameof(Entitlements)] = EntitlementList.Format(Entitlements),
        [nameof(Meters)] = MeterList.Format(Meters),
        [nameof(Trial)] = Trial,
        [nameof(Portal)] = Portal,
        [nameof(CreatedAt)] = CreatedAt,
        ETag = ETag,
    };

    /// <summary>The row that makes this policy its product's one trial policy.</summary>
    public TableEntity TrialMarker() => new(TableKeys.PolicyPartition(ProductId), TableKeys.TrialPolicyRow)
    {
        [nameof(PolicyId)] = PolicyId,
    };

    private static TimeSpan? Span(long? ticks) => ticks is { } t ? TimeSpan.FromTicks(t) : null;
}
