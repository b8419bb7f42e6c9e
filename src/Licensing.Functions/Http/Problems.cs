namespace Licensing.Http;

/// <summary>An RFC 9457 problem body with the contract's <c>code</c> extension.</summary>
public sealed record Problem(
    string Type,
    string Title,
    int Status,
    string Detail,
    string Code,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string[]>? Errors = null);

/// <summary>Every problem the API answers, in one place.</summary>
public static class Problems
{
    public const string ValidationFailed = Domain.RefusalCodes.ValidationFailed;
    public const string MalformedJson = "malformed_json";
    public const string Unauthorized = "unauthorized";
    public const string ExpiredApiKey = "api_key_expired";
    public const string Forbidden = "forbidden";
    public const string NotFound = Domain.RefusalCodes.NotFound;
    public const string MethodNotAllowed = "method_not_allowed";
    public const string UserKeyInUse = Domain.RefusalCodes.UserKeyInUse;
    public const string PayloadTooLarge = "payload_too_large";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string StorageUnavailable = "storage_unavailable";
    public const string IssuerUnavailable = "issuer_unavailable";
    public const string RateLimited = "rate_limited";
    public const string Internal = "internal_error";
    public const string PortalDisabled = "portal_disabled";
    public const string SessionExpired = "session_expired";

    public static IActionResult Validation(IReadOnlyDictionary<string, string[]> errors) =>
        Of(400, "One or more fields are invalid.", ValidationFailed, "The request has invalid fields: see errors.", errors);

    public static IActionResult Malformed(string detail) => Of(400, "The body is not valid JSON.", MalformedJson, detail);

    /// <param name="bearerToo">The call also takes a bearer token (an admin call with an issuer set): say so in WWW-Authenticate.</param>
    public static IActionResult Unauthenticated(bool bearerToo = false) => bearerToo
        ? Of(401, "Missing or wrong credentials.", Unauthorized,
            "Send a valid API key in the x-api-key header or a bearer token in the Authorization header.", headers: [BearerChallenge(null)])
        : Of(401, "Missing or wrong API key.", Unauthorized, "Send a valid API key in the x-api-key header.");

    public static IActionResult ApiKeyExpired() =>
        Of(401, "The API key has expired.", ExpiredApiKey, "This API key is past its expiresAt: create a new key.");

    public static IActionResult InvalidBearerToken() =>
        Of(401, "The bearer token is not accepted.", Unauthorized,
            "Send a current token from the configured issuer, for this API's audience.", headers: [BearerChallenge("invalid_token")]);

    public static IActionResult TwoCredentials() =>
        Of(401, "Two credentials.", Unauthorized,
            "Send either an API key in x-api-key or a bearer token in Authorization, not both.", headers: [BearerChallenge("invalid_request")]);

    /// <summary>A portal call without a current session (none, expired, or another credential in its place).</summary>
    public static IActionResult NoSession() =>
        Of(401, "No portal session.", Unauthorized,
            "Sign in with POST /v1/portal/session and send its sessionToken in the Authorization header as a bearer token; a session lasts one hour.",
            headers: [BearerChallenge("invalid_token")]);

    /// <summary>A genuine portal session past its hour: sign in again.</summary>
    public static IActionResult ExpiredSession() =>
        Of(401, "The portal session has ended.", SessionExpired, "A portal session lasts one hour: sign in again with the license key.",
            headers: [BearerChallenge("invalid_token")]);

    /// <summary>A portal sign-in with a license key that opens nothing: it says no more than that.</summary>
    public static IActionResult WrongLicenseKey() => Of(401, "Wrong license key.", Unauthorized, "This license key is not accepted.");

    /// <summary>The vendor turned the portal off for the license (<c>portal: false</c>).</summary>
    public static IActionResult PortalOff() =>
        Of(403, "The portal is off for this license.", PortalDisabled, "The license's vendor has turned the customer portal off for it; ask the vendor for help.");

    public static IActionResult WrongScope() =>
        Of(403, "The API key lacks the scope for this call.", Forbidden, "This call needs an API key with scope 'admin'.");

    public static IActionResult MissingRole(string role) =>
        Of(403, "The token lacks the role for this call.", Forbidden, $"This call needs a token whose roles include '{role}'.",
            headers: [BearerChallenge("insufficient_scope")]);

    public static IActionResult RouteNotFound(string path) => Of(404, "Not found.", NotFound, $"No endpoint at '{path}'.");

    public static IActionResult MethodNotAllowedFor(string method, IEnumerable<string> allowed)
    {
        var allow = string.Join(", ", allowed.Select(m => m.ToUpperInvariant()));
        return new ApiResult(405, new Problem(Type(405), "Method not allowed.", 405, $"{method} is not allowed here; use {allow}.", MethodNotAllowed),
            ApiJson.Wire.Problem, ApiResult.ProblemContentType, [new("Allow", allow)]);
    }

    /// <summary>A reason code answered as a status (deactivate, release, info, admin).</summary>
    public static IActionResult Reason(int status, string code, string detail) => Of(status, Domain.Reasons.Message(code), code, detail);

    public static IActionResult Conflict(string code, string detail) => Of(409, "Conflict.", code, detail);

    public static IActionResult TooLarge(int limit) =>
        Of(413, "The body is too large.", PayloadTooLarge, $"Bodies are limited to {limit} bytes.");

    public static IActionResult UnsupportedContentType(string? contentType) =>
        Of(415, "Unsupported content type.", UnsupportedMediaType,
            $"Content type '{contentType ?? "(none)"}' is not accepted; send application/json.");

    public static IActionResult Unavailable() =>
        new ApiResult(503, new Problem(Type(503), "Storage is unavailable.", 503, "Try again shortly.", StorageUnavailable),
            ApiJson.Wire.Problem, ApiResult.ProblemContentType, [new("Retry-After", "5")]);

    public static IActionResult IssuerUnavailableNow() =>
        new ApiResult(503, new Problem(Type(503), "The token issuer is unavailable.", 503, "Its signing keys could not be read; try again shortly.", IssuerUnavailable),
            ApiJson.Wire.Problem, ApiResult.ProblemContentType,
            [new("Retry-After", ((int)Auth.IssuerKeys.RetryAfterFailure.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture))]);

    public static IActionResult TooManyRequests(TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new ApiResult(429, new Problem(Type(429), "Too many requests.", 429, $"Slow down: try again in {seconds} s.", RateLimited),
            ApiJson.Wire.Problem, ApiResult.ProblemContentType, [new("Retry-After", seconds)]);
    }

    public static IActionResult Unexpected() =>
        Of(500, "Internal error.", Internal, "The server failed; the failure is logged.");

    private static ApiResult Of(
        int status, string title, string code, string detail, IReadOnlyDictionary<string, string[]>? errors = null, IReadOnlyList<KeyValuePair<string, string>>? headers = null) =>
        new(status, new Problem(Type(status), title, status, detail, code, errors), ApiJson.Wire.Problem, ApiResult.ProblemContentType, headers);

    /// <summary>RFC 6750's challenge, with its error code when a token was sent.</summary>
    private static KeyValuePair<string, string> BearerChallenge(string? error) =>
        new("WWW-Authenticate", error is null ? "Bearer" : $"Bearer error=\"{error}\"");

    private static string Type(int status) => $"https://httpstatuses.io/{status}";
}
