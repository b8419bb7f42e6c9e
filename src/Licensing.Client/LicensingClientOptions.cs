namespace Licensing.Client;

/// <summary>Where the server is and which key to call it with.</summary>
public sealed class LicensingClientOptions
{
    /// <summary>The server's base address, e.g. <c>https://func-licensing-abc.azurewebsites.net</c>.</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>The API key sent as <c>x-api-key</c> (a client-scoped key for apps); only GetKeysAsync works without one.</summary>
    public string ApiKey { get; set; } = "";

    /// <summary>
    /// Admin calls only (<see cref="LicensingAdminClient"/>): returns an access token from the issuer the server trusts
    /// (e.g. Entra ID), sent as <c>Authorization: Bearer</c> instead of an API key. It is asked before every call, so
    /// let it cache (Azure.Identity's credentials do). Leave <see cref="ApiKey"/> empty when you set it.
    /// </summary>
    public Func<CancellationToken, Task<string>>? BearerTokenProvider { get; set; }

    /// <summary>How long one call may take before it fails with <see cref="LicensingErrorKind.Timeout"/>.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Refuse every answer of a license call that is not signed by the server (RFC 9421, the contract's "Signed
    /// answers"): the body's <c>Content-Digest</c>, the status, the echo of this call's fresh <c>Licensing-Nonce</c>, a key
    /// of the server's (<see cref="ServerKeys"/>, else its JWKS) and the ES256 signature must all check out, and the
    /// signature's <c>created</c> must be within <see cref="AnswerClockSkew"/> of this machine's clock. A refused answer
    /// throws <see cref="LicensingException"/> of kind <see cref="LicensingErrorKind.UnverifiedAnswer"/>, which a floating
    /// lease treats like an unreachable server. On by default; turn it off only for a server with
    /// <c>Licensing:SignAnswers</c> off.
    /// </summary>
    public bool RequireSignedAnswers { get; set; } = true;

    /// <summary>How far a signed answer's <c>created</c> may be from this machine's clock (either way) before it is refused as a replay.</summary>
    public TimeSpan AnswerClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The server's public keys, shipped with the app (the JSON of GET /v1/license/keys via <see cref="JsonWebKeySet"/>):
    /// answers, documents and tokens are then checked against these only, so even a fake server at the right address
    /// (a hosts-file entry, a proxy) with keys of its own is refused. Null: the keys are fetched from the server once
    /// and again when it names a key they lack (at most once a minute).
    /// </summary>
    public JsonWebKeySet? ServerKeys { get; set; }

    internal void Validate()
    {
        if (BaseAddress is null || !BaseAddress.IsAbsoluteUri || (BaseAddress.Scheme != Uri.UriSchemeHttps && BaseAddress.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException("BaseAddress must be an absolute http(s) URL of the licensing server.", nameof(BaseAddress));
        }

        if (BearerTokenProvider is not null && !string.IsNullOrEmpty(ApiKey))
        {
            throw new ArgumentException("Set ApiKey or BearerTokenProvider, not both: the server refuses a call with both.", nameof(BearerTokenProvider));
        }

        if (AnswerClockSkew < TimeSpan.Zero)
        {
            throw new ArgumentException("AnswerClockSkew must not be negative.", nameof(AnswerClockSkew));
        }

        if (Timeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("Timeout must be positive.", nameof(Timeout));
        }
    }
}
