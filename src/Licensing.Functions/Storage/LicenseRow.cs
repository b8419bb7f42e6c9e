namespace Licensing.Storage;

/// <summary>
/// The license row. <see cref="LiveSeats"/> counts its seat rows in state live; every change to it rides in the
/// same one-partition transaction as the seat change, guarded by this row's ETag, which serialises grants.
/// </summary>
public sealed class LicenseRow
{
    public required string LicenseId { get; init; }
    public required string UserKey { get; init; }
    public required string ProductId { get; init; }
    public required LicensingMode Mode { get; init; }
    public int MaxClientCount { get; set; }

    /// <summary>Seats granted beyond <see cref="MaxClientCount"/> (each flagged overage), at most <see cref="MaxClientCount"/>.</summary>
    public int OverageSeats { get; set; }

    /// <summary>How many live seats grants may reach: the limit plus the overage.</summary>
    public int SeatLimit => MaxClientCount + OverageSeats;

    /// <summary>How many deactivations (moves) in a rolling 30 days a node-locked license allows; 0: unlimited.</summary>
    public int MaxTransfers { get; set; }

    /// <summary>The recent deactivations (<see cref="TransferWindow"/>), written in each deactivation's transaction.</summary>
    public string RecentDeactivations { get; set; } = "";
    public int LiveSeats { get; set; }
    public DateTimeOffset? ExpireAt { get; set; }
    public DateTimeOffset? SupportExpireAt { get; set; }
    public TimeSpan HeartbeatInterval { get; set; }

    /// <summary>How long after <see cref="ExpireAt"/> the license keeps working, flagged as in grace.</summary>
    public TimeSpan GracePeriod { get; set; }

    /// <summary>The longest a floating lease may be borrowed for offline work; zero: borrowing is not allowed.</summary>
    public TimeSpan MaxBorrowDuration { get; set; }
    public string? CustomerName { get; set; }
    public IReadOnlyList<Entitlement> Entitlements { get; set; } = [];

    /// <summary>The license's meters (their counts are rows of their own, <see cref="MeterRow"/>).</summary>
    public IReadOnlyList<Meter> Meters { get; set; } = [];

    /// <summary>Every entitlement's code (the <c>features</c> shorthand).</summary>
    public IReadOnlyList<string> Features => Entitlements.Select(e => e.Code).ToArray();

    /// <summary>Whether the license's owner may sign in to the customer portal (the vendor's choice; on unless turned off).</summary>
    public bool Portal { get; set; } = true;

    /// <summary>The policy the license was created from, if any.</summary>
    public string? PolicyId { get; init; }
    public bool Revoked { get; set; }
    public bool Suspended { get; set; }
    public DateTimeOffset IssuedAt { get; init; }

    /// <summary>A random id of the create that wrote this row, so a create retried after its answer was lost knows its own row.</summary>
    public string CreationId { get; init; } = "";

    /// <summary>
    /// No live lease lapses before this time: a request on a full pool is refused without reading the leases until
    /// then. Set by a refused request whose read found no lapsed lease, to the earliest of their expiries and of
    /// now + interval; every lease renewed or granted after that expires at a later now + interval, so it stays true
    /// until an admin change, whose replace of the row drops it (a change may shorten the interval or the expiry).
    /// </summary>
    public DateTimeOffset? NoLapseBefore { get; set; }

    /// <summary>The number of the license's last audit event; each event takes the next, in the same transaction.</summary>
    public long EventSequence { get; set; }

    /// <summary>The seat usage of the hour of the license's last seat change (also stored in that hour's usage row).</summary>
    public SeatUsage? Usage { get; set; }

    /// <summary>The live seats as stored when this row was read (what a seat change starts from).</summary>
    public int StoredLiveSeats { get; set; }

    /// <summary>The rows of the license's ended-seat index (one per seat ending not yet trimmed), kept like <see cref="LiveSeats"/>.</summary>
    public int EndedSeats { get; set; }
    public ETag ETag { get; set; }

    /// <summary>A copy whose changes do not reach this row (the license cache hands out copies).</summary>
    public LicenseRow Copy() => (LicenseRow)MemberwiseClone();

    public static LicenseRow FromEntity(TableEntity e) => new()
    {
        LicenseId = e.PartitionKey,
        UserKey = e.GetString(nameof(UserKey)) ?? "",
        ProductId = e.GetString(nameof(ProductId)) ?? "default",
        Mode = (LicensingMode)(e.GetInt32(nameof(Mode)) ?? 0),
        MaxClientCount = e.GetInt32(nameof(MaxClientCount)) ?? 0,
        OverageSeats = e.GetInt32(nameof(OverageSeats)) ?? 0,
        MaxTransfers = e.GetInt32(nameof(MaxTransfers)) ?? 0,
        RecentDeactivations = e.GetString(nameof(RecentDeactivations)) ?? "",
        LiveSeats = e.GetInt32(nameof(LiveSeats)) ?? 0,
        StoredLiveSeats = e.GetInt32(nameof(LiveSeats)) ?? 0,
        Usage = UsageColumns.Read(e),
        ExpireAt = e.GetDateTimeOffset(nameof(ExpireAt)),
        SupportExpireAt = e.GetDateTimeOffset(nameof(SupportExpireAt)),
        HeartbeatInterval = TimeSpan.FromTicks(e.GetInt64("HeartbeatIntervalTicks") ?? TimeSpan.TicksPerMinute * 5),
        GracePeriod = TimeSpan.FromTicks(e.GetInt64("GracePeriodTicks") ?? 0),
        MaxBorrowDuration = TimeSpan.FromTicks(e.GetInt64("MaxBorrowDurationTicks") ?? 0),
        CustomerName = e.GetString(nameof(CustomerName)),
        Entitlements = EntitlementList.Parse(e.GetString(nameof(Entitlements)), e.GetString(nameof(Features))),
        Meters = MeterList.Parse(e.GetString(nameof(Meters))),
        PolicyId = e.GetString(nameof(PolicyId)),
        Portal = e.GetBoolean(nameof(Portal)) ?? true,
        Revoked = e.GetBoolean(nameof(Revoked)) ?? false,
        Suspended = e.GetBoolean(nameof(Suspended)) ?? false,
        IssuedAt = e.GetDateTimeOffset(nameof(IssuedAt)) ?? DateTimeOffset.UnixEpoch,
        EventSequence = e.GetInt64(nameof(EventSequence)) ?? 0,
        NoLapseBefore = e.GetDateTimeOffset(nameof(NoLapseBefore)),
        EndedSeats = e.GetInt32(nameof(EndedSeats)) ?? 0,
        CreationId = e.GetString(nameof(CreationId)) ?? "",
        ETag = e.ETag,
    };

    public TableEntity ToEntity() => new TableEntity(LicenseId, TableKeys.LicenseRow)
    {
        [nameof(UserKey)] = UserKey,
        [nameof(ProductId)] = ProductId,
        [nameof(Mode)] = (int)Mode,
        [nameof(MaxClientCount)] = MaxClientCount,
        [nameof(OverageSeats)] = OverageSeats,
        [nameof(MaxTransfers)] = MaxTransfers,
        [nameof(RecentDeactivations)] = RecentDeactivations,
        [nameof(LiveSeats)] = LiveSeats,
        [nameof(ExpireAt)] = ExpireAt,
        [nameof(SupportExpireAt)] = SupportExpireAt,
        ["HeartbeatIntervalTicks"] = HeartbeatInterval.Ticks,
        ["GracePeriodTicks"] = GracePeriod.Ticks,
        ["MaxBorrowDurationTicks"] = MaxBorrowDuration.Ticks,
        [nameof(CustomerName)] = CustomerName,
        [nameof(Features)] = FeatureList.Format(Features),
        [nameof(Entitlements)] = EntitlementList.Format(Entitlements),
        [nameof(Meters)] = MeterList.Format(Meters),
        [nameof(PolicyId)] = PolicyId,
        [nameof(Portal)] = Portal,
        [nameof(Revoked)] = Revoked,
        [nameof(Suspended)] = Suspended,
        [nameof(IssuedAt)] = IssuedAt,
        [nameof(EventSequence)] = EventSequence,
        [nameof(EndedSeats)] = EndedSeats,
        [nameof(CreationId)] = CreationId,
        ETag = ETag,
    }.WithUsage(Usage);

    /// <summary>Only the counters (and the recent deactivations), for a merge inside a seat transaction.</summary>
    public TableEntity SeatCounterEntity() => new TableEntity(LicenseId, TableKeys.LicenseRow)
    {
        [nameof(LiveSeats)] = LiveSeats,
        [nameof(RecentDeactivations)] = RecentDeactivations,
        [nameof(EventSequence)] = EventSequence,
        [nameof(EndedSeats)] = EndedSeats,
        ETag = ETag,
    }.WithUsage(Usage);

    /// <summary>Only <see cref="EventSequence"/>, for a merge under the row's ETag in the transaction of a meter's event.</summary>
    public TableEntity EventSequenceEntity() => new(LicenseId, TableKeys.LicenseRow)
    {
        [nameof(EventSequence)] = EventSequence,
        ETag = ETag,
    };

    /// <summary>Only <see cref="NoLapseBefore"/>, for a merge under the row's ETag.</summary>
    public TableEntity NoLapseBeforeEntity() => new(LicenseId, TableKeys.LicenseRow)
    {
        [nameof(NoLapseBefore)] = NoLapseBefore,
        ETag = ETag,
    };
}
