namespace Licensing.Seats;

/// <summary>The license as a client receives it: its terms and the signed license document.</summary>
public sealed record IssuedLicense(
    string LicenseId,
    LicensingMode Mode,
    DateTimeOffset? ExpireAt,
    DateTimeOffset? SupportExpireAt,
    string SignedDocument,
    IReadOnlyList<Entitlement> Entitlements,
    string ProductId = "default");

/// <summary>A seat's signed token, the expiry its answer states, and the grant it signs (the seat's token id).</summary>
public sealed record IssuedToken(string Token, DateTimeOffset ExpireAt, string TokenId = "");

/// <summary>
/// activate, request and validate: granted (with the seat's token where the mode has seats) or denied with a reason
/// code; the seat counts either way.
/// </summary>
public sealed record SeatDecision(
    string? DeniedReason,
    int ActiveClientCount,
    int MaxClientCount,
    TimeSpan? HeartbeatInterval,
    IssuedToken? Token = null,
    IssuedLicense? License = null,
    DateTimeOffset? GraceEndsAt = null,
    bool Overage = false)
{
    /// <summary>validate: the license's meters and their standings; null for the calls that do not show them.</summary>
    public IReadOnlyList<Metering.MeterReport>? Meters { get; init; }

    public static SeatDecision Denied(string reason, LicenseRow? license, int activeClientCount) =>
        new(reason, activeClientCount, license?.MaxClientCount ?? 0, license?.HeartbeatInterval);
}

/// <summary>heartbeat: the lease kept alive until a new expiry, or a reason it is not.</summary>
/// <param name="GraceEndsAt">Set while the license is in its grace period.</param>
public sealed record LeaseRenewal(
    string? DeniedReason, int ActiveClientCount, int MaxClientCount, TimeSpan? HeartbeatInterval, DateTimeOffset? TokenExpireAt = null, DateTimeOffset? GraceEndsAt = null)
{
    public static LeaseRenewal Denied(string reason, LicenseRow? license) =>
        new(reason, license?.LiveSeats ?? 0, license?.MaxClientCount ?? 0, license?.HeartbeatInterval);
}

/// <summary>deactivate and release: the license's seat counts after the call.</summary>
public sealed record SeatCount(string LicenseId, int ActiveClientCount, int MaxClientCount)
{
    public static SeatCount Of(LicenseRow license) => new(license.LicenseId, license.LiveSeats, license.MaxClientCount);
}

/// <summary>
/// info and the admin license view: the license and, where read, the seats it holds or held, as of a time;
/// <paramref name="Truncated"/> when older ended seats were left out (<see cref="ShownSeats"/>).
/// </summary>
public sealed record LicenseHoldings(LicenseRow License, IReadOnlyList<SeatRow>? Seats, DateTimeOffset At, bool Truncated = false)
{
    /// <summary>The license's meter rows as read with it; null when they were not read (a page of licenses).</summary>
    public IReadOnlyList<MeterRow>? Meters { get; init; }
}
