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

        if (Timeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("Timeout must be positive.", nameof(Timeout));
        }
    }
}
