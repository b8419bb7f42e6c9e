namespace Licensing.Domain;

/// <summary>The reason codes of CONTRACT.md, each with the message a denial carries.</summary>
public static class Reasons
{
    public const string LicenseNotFound = "license_not_found";
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
    public const string TrialNotAvailable = "trial_not_available";
    public const string BorrowNotAllowed = "borrow_not_allowed";
    public const string TransferLimitReached = "transfer_limit_reached";
    public const string OfflineRequestInvalid = "offline_request_invalid";
    public const string UsageLimitReached = "usage_limit_reached";
    public const string MeterNotFound = "meter_not_found";

    public static string Message(string reason) => reason switch
    {
        LicenseNotFound => "No license matches this user key.",
        LicenseRevoked => "The license has been revoked.",
        LicenseSuspended => "The license is suspended.",
        LicenseExpired => "The license has expired.",
        WrongLicensingMode => "This call does not apply to the license's licensing mode.",
        SeatsExhausted => "Every seat of the license is in use.",
        NotActivated => "This machine is not activated for the license.",
        TokenNotFound => "No live seat matches this token or client.",
        TokenExpired => "The lease lapsed: request a seat again.",
        TokenReleased => "The lease was released: request a seat again.",
        TokenRevoked => "The seat was revoked by the vendor.",
        InvalidToken => "The license token is malformed or its signature does not verify.",
        MachineMismatch => "The token belongs to another machine.",
        TrialNotAvailable => "The product offers no trial.",
        BorrowNotAllowed => "The license does not allow borrowing a seat.",
        TransferLimitReached => "The license's seats have moved to other machines as often as its terms allow in 30 days.",
        OfflineRequestInvalid => "The offline request is older than 7 days or was answered for another machine, or the deactivation proof does not verify.",
        UsageLimitReached => "The meter's limit (with its overage) for this period is used up; nothing was recorded.",
        MeterNotFound => "The license has no meter with this code; nothing was recorded.",
        _ => reason,
    };
}
