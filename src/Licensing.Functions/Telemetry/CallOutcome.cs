namespace Licensing.Telemetry;

/// <summary>
/// What an answer says, for metrics and traces: its status, the reason code it carries (a denied seat's reason or a
/// problem's code), and where known the license and its seats in use. Never a key, user key or token.
/// </summary>
public sealed record CallOutcome(int Status, string? Reason = null, string? LicenseId = null, int? SeatsInUse = null)
{
    /// <summary>ok, denied (a 200 that refuses a seat), client_error, unauthorized, throttled, unavailable or error.</summary>
    public string Kind => Status switch
    {
        < 300 when Reason is not null => "denied",
        < 300 => "ok",
        401 or 403 => "unauthorized",
        429 => "throttled",
        503 => "unavailable",
        >= 500 => "error",
        _ => "client_error",
    };
}
