namespace Licensing.Tests.Model;

/// <summary>A license's mode, with the wire values of CONTRACT.md's table "Licensing modes".</summary>
public enum ModelMode
{
    File = 0,
    Activation = 1,
    Floating = 2,
}

/// <summary>How a seat ended, as the contract names it: released, deactivated, revoked by an admin, or lapsed.</summary>
public enum SeatEnd
{
    Released,
    Deactivated,
    Revoked,
    Lapsed,
}

/// <summary>
/// The reason codes of CONTRACT.md ("Outcomes and errors"), written out here rather than taken from the server,
/// and what the contract says a heartbeat on an ended lease answers.
/// </summary>
public static class ContractReasons
{
    public const string LicenseRevoked = "license_revoked";
    public const string LicenseSuspended = "license_suspended";
    public const string LicenseExpired = "license_expired";
    public const string WrongLicensingMode = "wrong_licensing_mode";
    public const string SeatsExhausted = "seats_exhausted";
    public const string NotActivated = "not_activated";
    public const string TokenNotFound = "token_not_found";
    public const string TokenExpired = "token_expired";
    public const string TokenReleased = "token_released";
    public const string TokenRevoked = "token_revoked";
    public const string InvalidToken = "invalid_token";
    public const string MachineMismatch = "machine_mismatch";
    public const string BorrowNotAllowed = "borrow_not_allowed";
    public const string TransferLimitReached = "transfer_limit_reached";
    public const string OfflineRequestInvalid = "offline_request_invalid";
    public const string UsageLimitReached = "usage_limit_reached";
    public const string MeterNotFound = "meter_not_found";

    /// <summary>"A lease that lapsed, was released or was revoked answers active: false with its reason."</summary>
    public static string EndedLease(SeatEnd end) => end switch
    {
        SeatEnd.Released => TokenReleased,
        SeatEnd.Revoked => TokenRevoked,
        SeatEnd.Lapsed => TokenExpired,
        // Heartbeat is denied wrong_licensing_mode on an activation license before any seat is looked at.
        _ => throw new InvalidOperationException($"a lease never ends as {end}"),
    };
}

/// <summary>
/// The seat states info, the admin view and storage name: <c>live</c> while the seat is held, else how it ended
/// (a lapse shows as <c>expired</c>).
/// </summary>
public static class SeatStateNames
{
    public const string Live = "live";

    public static string Of(SeatEnd end) => end switch
    {
        SeatEnd.Released => "released",
        SeatEnd.Deactivated => "deactivated",
        SeatEnd.Revoked => "revoked",
        SeatEnd.Lapsed => "expired",
        _ => throw new ArgumentOutOfRangeException(nameof(end), end, null),
    };
}
