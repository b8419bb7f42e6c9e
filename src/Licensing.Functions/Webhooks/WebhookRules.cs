namespace Licensing.Webhooks;

/// <summary>What a webhook may name: an https URL (or loopback http when allowed) and known event types.</summary>
public static class WebhookRules
{
    public const string PingType = "webhook.ping";
    public const int MaxUrl = 2048;
    public const int MaxEvents = 32;

    /// <summary>Every event type a webhook can subscribe to: the audit event types and the ping.</summary>
    public static readonly IReadOnlyList<string> EventTypes =
    [
        AuditEventTypes.LicenseCreated, AuditEventTypes.LicenseUpdated, AuditEventTypes.LicenseDeleted,
        AuditEventTypes.SeatActivated, AuditEventTypes.SeatDeactivated, AuditEventTypes.SeatGranted,
        AuditEventTypes.SeatReleased, AuditEventTypes.SeatLapsed, AuditEventTypes.SeatRevoked,
        AuditEventTypes.ApiKeyCreated, AuditEventTypes.ApiKeyDeleted, AuditEventTypes.SeatBorrowed,
        AuditEventTypes.UsageLimitReached, AuditEventTypes.MeterReset, AuditEventTypes.PortalSignedIn, PingType,
    ];

    /// <summary>Why a URL cannot be a webhook's, or null when it can.</summary>
    public static string? UrlProblem(string url, bool allowInsecure)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.Host.Length == 0)
        {
            return "must be an absolute https URL.";
        }

        if (uri.UserInfo.Length > 0)
        {
            return "must not carry a user name or password.";
        }

        if (uri.Fragment.Length > 0)
        {
            return "must not have a fragment.";
        }

        if (uri.Scheme == "http" && !(allowInsecure && IsLoopbackHost(uri)))
        {
            return allowInsecure ? "must be https (plain http is allowed for loopback hosts only)." : "must be https.";
        }

        return null;
    }

    /// <summary>Whether an event pattern is one a webhook can hold: a known type, a known family's <c>prefix.*</c>, or <c>*</c>.</summary>
    public static bool IsEventPattern(string pattern) =>
        pattern == "*"
        || EventTypes.Contains(pattern, StringComparer.Ordinal)
        || (pattern.EndsWith(".*", StringComparison.Ordinal) && EventTypes.Any(t => t.StartsWith(pattern[..^1], StringComparison.Ordinal)));

    private static bool IsLoopbackHost(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
