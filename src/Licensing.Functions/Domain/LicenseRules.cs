namespace Licensing.Domain;

/// <summary>The pure rules of licenses and seats: guards in CONTRACT.md's order, and the lapse arithmetic.</summary>
public static class LicenseRules
{
    public static readonly TimeSpan MinHeartbeatInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxHeartbeatInterval = TimeSpan.FromDays(1);
    public const int MaxSeats = 100_000;
    public static readonly TimeSpan MaxGracePeriod = TimeSpan.FromDays(90);
    public static readonly TimeSpan MaxBorrowDuration = TimeSpan.FromDays(90);

    public static bool IsAllowedHeartbeatInterval(TimeSpan interval) =>
        interval >= MinHeartbeatInterval && interval <= MaxHeartbeatInterval;

    /// <summary>The license's own state, then its mode: the first reason that denies, or null.</summary>
    public static string? Deny(LicenseRow? license, DateTimeOffset now, LicensingMode? requiredMode)
    {
        if (license is null)
        {
            return Reasons.LicenseNotFound;
        }

        if (license.Revoked)
        {
            return Reasons.LicenseRevoked;
        }

        if (license.Suspended)
        {
            return Reasons.LicenseSuspended;
        }

        if (IsExpired(license, now))
        {
            return Reasons.LicenseExpired;
        }

        return requiredMode is { } mode && license.Mode != mode ? Reasons.WrongLicensingMode : null;
    }

    /// <summary>Expired once its grace period after <c>expireAt</c> has passed too.</summary>
    public static bool IsExpired(LicenseRow license, DateTimeOffset now) => UsableUntil(license) is { } at && at <= now;

    /// <summary>
    /// The last moment the license works: <c>expireAt + gracePeriod</c>, at most the last representable time (an expiry
    /// near the year 9999 plus a grace would not fit); no token outlives it. Null: no end.
    /// </summary>
    public static DateTimeOffset? UsableUntil(LicenseRow license) => license.ExpireAt is { } at
        ? at > DateTimeOffset.MaxValue - license.GracePeriod ? DateTimeOffset.MaxValue : at + license.GracePeriod
        : null;

    /// <summary>When the license is in its grace period at <paramref name="now"/> (expired, grace not over): the grace's end; else null.</summary>
    public static DateTimeOffset? GraceEndsAt(LicenseRow license, DateTimeOffset now) =>
        license.ExpireAt is { } at && at <= now && !IsExpired(license, now) ? UsableUntil(license) : null;

    /// <summary>A seat holds its place while it is live and, for a lease, until its expiry passes.</summary>
    public static bool HoldsSeat(SeatRow seat, DateTimeOffset now) =>
        seat.State == SeatState.Live && (!seat.IsLease || seat.ExpireAt > now);

    /// <summary>The exact count of seats held at <paramref name="now"/>, from every seat row (info and the admin view).</summary>
    public static int HeldSeats(IEnumerable<SeatRow> seats, DateTimeOffset now) => seats.Count(s => HoldsSeat(s, now));

    /// <summary>A lease lapses one interval plus one interval of grace after its last grant or heartbeat.</summary>
    public static DateTimeOffset LeaseExpiry(DateTimeOffset now, TimeSpan heartbeatInterval, DateTimeOffset? usableUntil) =>
        Cap(now + heartbeatInterval + heartbeatInterval, usableUntil);

    /// <summary>
    /// A renewed lease's expiry: one interval plus one of grace from now, or the end of its borrow if that is later
    /// (a heartbeat never shortens a borrow); either way never past the license's end.
    /// </summary>
    public static DateTimeOffset RenewedLeaseExpiry(SeatRow lease, DateTimeOffset now, TimeSpan heartbeatInterval, DateTimeOffset? usableUntil)
    {
        var normal = LeaseExpiry(now, heartbeatInterval, usableUntil);
        return lease.BorrowedUntil is { } borrowed && Cap(borrowed, usableUntil) > normal ? Cap(borrowed, usableUntil) : normal;
    }

    /// <summary>A borrow's end: now + the shorter of what was asked and what the license allows, never past the license's end.</summary>
    public static DateTimeOffset BorrowExpiry(DateTimeOffset now, TimeSpan borrowFor, TimeSpan maxBorrowDuration, DateTimeOffset? usableUntil) =>
        Cap(now + (borrowFor < maxBorrowDuration ? borrowFor : maxBorrowDuration), usableUntil);

    public static DateTimeOffset ActivationTokenExpiry(DateTimeOffset now, TimeSpan lifetime, DateTimeOffset? usableUntil) =>
        Cap(now + lifetime, usableUntil);

    /// <summary>
    /// The token expiry an answer states for a seat granted earlier: its own, or the license's when an admin has
    /// brought the license's expiry forward since (no answer states a token outliving its license).
    /// </summary>
    public static DateTimeOffset StatedTokenExpiry(DateTimeOffset seatExpireAt, DateTimeOffset? usableUntil) =>
        Cap(seatExpireAt, usableUntil);

    /// <summary>
    /// How many lapsed-but-not-yet-ended leases a grant must end to make room for one more seat,
    /// given the stored count of live rows and the limit.
    /// </summary>
    public static int ReclaimsNeeded(int liveRows, int maxClientCount) => Math.Max(0, liveRows - maxClientCount + 1);

    private static DateTimeOffset Cap(DateTimeOffset at, DateTimeOffset? limit) => limit is { } l && l < at ? l : at;
}
