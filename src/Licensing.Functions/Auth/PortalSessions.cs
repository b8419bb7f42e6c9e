namespace Licensing.Auth;

/// <summary>A portal session as issued: its bearer token, its expiry and its license.</summary>
public sealed record IssuedSession(string SessionToken, DateTimeOffset ExpiresAt, string LicenseId);

/// <summary>
/// The customer portal's sessions: an ES256 token of their own kind (<see cref="TokenKinds.PortalSession"/>) for one
/// license, valid for <see cref="Lifetime"/> on the app's clock. A session is checked without a storage read; any other
/// signed thing (a seat token, a license document, an offline response) is no session, and a session is none of them.
/// </summary>
public sealed class PortalSessions(TokenSigner signer, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    /// <summary>The longest bearer text read as a session (a session is a few hundred characters).</summary>
    public const int MaxTokenLength = 4096;

    public IssuedSession Issue(LicenseRow license)
    {
        var now = clock.GetUtcNow();
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds()) + Lifetime;
        var claims = new PortalSessionClaims(license.LicenseId, license.CreationId, now.ToUnixTimeSeconds(), expiresAt.ToUnixTimeSeconds(), TokenKinds.PortalSession);
        return new IssuedSession(signer.Sign(claims, SignedJson.Default.PortalSessionClaims), expiresAt, license.LicenseId);
    }

    /// <summary>The claims of a genuine session, expired or not; null for anything else (never throws on input).</summary>
    public PortalSessionClaims? Read(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength)
        {
            return null;
        }

        var claims = signer.Verify(token, SignedJson.Default.PortalSessionClaims, TokenKinds.PortalSession);
        return claims is { LicenseId.Length: > 0 } ? claims : null;
    }

    /// <summary>Whether a genuine session still acts: its hour has not passed on the app's clock.</summary>
    public bool IsCurrent(PortalSessionClaims session) => clock.GetUtcNow().ToUnixTimeSeconds() < session.ExpiresAt;
}
