namespace Licensing.Client;

public enum LicensingMode
{
    File = 0,
    Activation = 1,
    Floating = 2,
}

/// <summary>Why the server denied a call (the reference's reason codes).</summary>
public enum LicenseReason
{
    /// <summary>A code this SDK does not know yet.</summary>
    Unknown = 0,
    LicenseNotFound,
    LicenseRevoked,
    LicenseSuspended,
    LicenseExpired,
    WrongLicensingMode,
    SeatsExhausted,
    NotActivated,
    TokenNotFound,
    TokenExpired,
    TokenReleased,
    TokenRevoked,
    InvalidToken,
    MachineMismatch,

    /// <summary>The product offers no trial (trial calls).</summary>
    TrialNotAvailable,

    /// <summary>The license allows no borrowing (borrow on a license whose maxBorrowDuration is 0).</summary>
    BorrowNotAllowed,
    /// <summary>The license's seats have moved to other machines as often as its terms allow in 30 days (activate of a new machine).</summary>
    TransferLimitReached,

    /// <summary>An offline request older than 7 days, or whose requestId was answered for another machine; or a deactivation proof that does not verify.</summary>
    OfflineRequestInvalid,
    /// <summary>The meter's limit (with its overage) for this period is used up: the use was not recorded.</summary>
    UsageLimitReached,

    /// <summary>The license has no meter with this code: the use was not recorded.</summary>
    MeterNotFound,
}

public static class LicenseReasons
{
    private static readonly Dictionary<string, LicenseReason> ByCode = new(StringComparer.Ordinal)
    {
        ["license_not_found"] = LicenseReason.LicenseNotFound,
        ["license_revoked"] = LicenseReason.LicenseRevoked,
        ["license_suspended"] = LicenseReason.LicenseSuspended,
        ["license_expired"] = LicenseReason.LicenseExpired,
        ["wrong_licensing_mode"] = LicenseReason.WrongLicensingMode,
        ["seats_exhausted"] = LicenseReason.SeatsExhausted,
        ["not_activated"] = LicenseReason.NotActivated,
        ["token_not_found"] = LicenseReason.TokenNotFound,
        ["token_expired"] = LicenseReason.TokenExpired,
        ["token_released"] = LicenseReason.TokenReleased,
        ["token_revoked"] = LicenseReason.TokenRevoked,
        ["invalid_token"] = LicenseReason.InvalidToken,
        ["machine_mismatch"] = LicenseReason.MachineMismatch,
        ["trial_not_available"] = LicenseReason.TrialNotAvailable,
        ["borrow_not_allowed"] = LicenseReason.BorrowNotAllowed,
        ["transfer_limit_reached"] = LicenseReason.TransferLimitReached,
        ["offline_request_invalid"] = LicenseReason.OfflineRequestInvalid,
        ["usage_limit_reached"] = LicenseReason.UsageLimitReached,
        ["meter_not_found"] = LicenseReason.MeterNotFound,
    };

    /// <summary>The enum of a wire code; null stays null, an unknown code is <see cref="LicenseReason.Unknown"/>.</summary>
    public static LicenseReason? Parse(string? code) =>
        code is null ? null : ByCode.TryGetValue(code, out var reason) ? reason : LicenseReason.Unknown;
}

/// <summary>Who is asking: the license's user key and this machine (and, for floating seats, this client).</summary>
public sealed class ClientIdentity
{
    public ClientIdentity(string userKey, string machineId, string? clientId = null, string? clientName = null)
    {
        UserKey = userKey ?? throw new ArgumentNullException(nameof(userKey));
        MachineId = machineId ?? throw new ArgumentNullException(nameof(machineId));
        ClientId = clientId;
        ClientName = clientName;
    }

    public string UserKey { get; }
    public string MachineId { get; }
    public string? ClientId { get; }
    public string? ClientName { get; }
}
