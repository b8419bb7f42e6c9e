namespace Licensing.Admin;

/// <summary>The terms of a policy create or patch, as read and checked; <c>Has*</c> tells a patch what to change.</summary>
public sealed record PolicyDraft
{
    public const int MaxName = 128;

    /// <summary>The longest a policy's licenses (or their support) may run: 100 years.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(36_500);

    public string? Name { get; init; }
    public string? ProductId { get; init; }
    public LicensingMode? Mode { get; init; }
    public int? MaxClientCount { get; init; }
    public int? OverageSeats { get; init; }
    public int? MaxTransfers { get; init; }
    public TimeSpan? Duration { get; init; }
    public bool HasDuration { get; init; }
    public TimeSpan? SupportDuration { get; init; }
    public bool HasSupportDuration { get; init; }
    public TimeSpan? HeartbeatInterval { get; init; }
    public bool HasHeartbeatInterval { get; init; }
    public TimeSpan? GracePeriod { get; init; }
    public TimeSpan? MaxBorrowDuration { get; init; }
    public IReadOnlyList<Entitlement>? Entitlements { get; init; }
    public IReadOnlyList<Meter>? Meters { get; init; }
    public bool? Trial { get; init; }
    public bool? Portal { get; init; }

    /// <summary>Why a policy with these terms cannot be, as (field, message); null when it can.</summary>
    public static (string Field, string Message)? Inconsistency(LicensingMode mode, bool trial, TimeSpan? duration) =>
        trial && mode != LicensingMode.Activation ? ("trial", "a trial policy must have licensingMode 1 (a trial activates one machine).")
        : trial && duration is null ? ("trial", "a trial policy must have a duration.")
        : null;

    public void ApplyTo(PolicyRow policy)
    {
        policy.Name = Name ?? policy.Name;
        policy.Mode = Mode ?? policy.Mode;
        policy.MaxClientCount = MaxClientCount ?? policy.MaxClientCount;
        policy.OverageSeats = OverageSeats ?? policy.OverageSeats;
        policy.MaxTransfers = MaxTransfers ?? policy.MaxTransfers;
        policy.Duration = HasDuration ? Duration : policy.Duration;
        policy.SupportDuration = HasSupportDuration ? SupportDuration : policy.SupportDuration;
        policy.HeartbeatInterval = HasHeartbeatInterval ? HeartbeatInterval : policy.HeartbeatInterval;
        policy.GracePeriod = GracePeriod ?? policy.GracePeriod;
        policy.MaxBorrowDuration = MaxBorrowDuration ?? policy.MaxBorrowDuration;
        policy.Entitlements = Entitlements ?? policy.Entitlements;
        policy.Meters = Meters ?? policy.Meters;
        policy.Trial = Trial ?? policy.Trial;
        policy.Portal = Portal ?? policy.Portal;
    }
}
