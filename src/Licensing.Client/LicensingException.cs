namespace Licensing.Client;

/// <summary>What went wrong with a call, in one of a few kinds an app can act on.</summary>
public enum LicensingErrorKind
{
    /// <summary>The server could not be reached (DNS, refused connection, TLS, reset).</summary>
    Unreachable,

    /// <summary>The server did not answer within the timeout.</summary>
    Timeout,

    /// <summary>The API key is missing, wrong or deleted (401), or lacks the scope (403).</summary>
    Unauthorized,

    /// <summary>The server answered with a problem (4xx/5xx with a problem body): see Code and Errors.</summary>
    Problem,

    /// <summary>The answer is not this API's (garbage, HTML, a proxy's page).</summary>
    InvalidResponse,

    /// <summary>The server answered and said no (no seat, not activated, revoked...): see Reason.</summary>
    Denied,

    /// <summary>A signed document or token did not verify offline: forged, altered, another key, expired.</summary>
    VerificationFailed,

    /// <summary>
    /// An answer of a license call was not signed by the licensing server as it must be (with
    /// <see cref="LicensingClientOptions.RequireSignedAnswers"/>): its digest, status, nonce, key, signature or date is
    /// wrong or missing. A fake server, a replayed answer or a proxy that alters answers; transient, like an outage.
    /// </summary>
    UnverifiedAnswer,
}

/// <summary>The one exception the SDK throws for a call that did not get an answer it can use. Never carries the API key.</summary>
public sealed class LicensingException : Exception
{
    public LicensingException(string message)
        : this(LicensingErrorKind.Problem, message, null, null, null, null)
    {
    }

    public LicensingException(string message, Exception innerException)
        : this(LicensingErrorKind.Unreachable, message, null, null, null, innerException)
    {
    }

    public LicensingException()
        : this("The licensing call failed.")
    {
    }

    public LicensingException(
        LicensingErrorKind kind,
        string message,
        int? statusCode,
        string? code,
        IReadOnlyDictionary<string, string[]>? errors,
        Exception? innerException)
        : base(message, innerException)
    {
        Kind = kind;
        StatusCode = statusCode;
        Code = code;
        Errors = errors ?? new Dictionary<string, string[]>();
    }

    public LicensingErrorKind Kind { get; }

    /// <summary>The HTTP status, when the server answered.</summary>
    public int? StatusCode { get; }

    /// <summary>The problem's <c>code</c> (e.g. <c>validation_failed</c>), or a denial's wire reason (e.g. <c>seats_exhausted</c>).</summary>
    public string? Code { get; }

    /// <summary>Per-field errors of a 400.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; }

    /// <summary>Why a <see cref="LicensingErrorKind.Denied"/> call was denied.</summary>
    public LicenseReason? Reason { get; private set; }

    internal static LicensingException VerificationFailed(string message) =>
        new(LicensingErrorKind.VerificationFailed, message, null, null, null, null);

    internal static LicensingException UnverifiedAnswer(Uri server, int status, string why) =>
        new(LicensingErrorKind.UnverifiedAnswer,
            $"The answer from {server} ({status}) is refused: {why}. A fake licensing server, a replayed answer or a proxy that alters answers looks like this.",
            status, null, null, null);

    internal static LicensingException Denied(LicenseReason reason, string? code, string message) =>
        new(LicensingErrorKind.Denied, message, 200, code, null, null) { Reason = reason };

    /// <summary>Worth retrying later: unreachable, timed out, an answer not from the server, or the server's own trouble (5xx).</summary>
    public bool IsTransient => Kind is LicensingErrorKind.Unreachable or LicensingErrorKind.Timeout or LicensingErrorKind.UnverifiedAnswer
        || (Kind == LicensingErrorKind.Problem && StatusCode is >= 500 or 408 or 429);
}
