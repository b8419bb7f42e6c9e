namespace Licensing.Auth;

/// <summary>What a bearer token presented on an admin call turned out to be.</summary>
public enum AdminTokenVerdict
{
    /// <summary>Valid and holding the role: the call acts as admin.</summary>
    Admin,

    /// <summary>Valid, but without the role: 403.</summary>
    LacksRole,

    /// <summary>Forged, expired, for another audience or issuer, or not a token at all: 401.</summary>
    Invalid,

    /// <summary>The issuer's metadata or keys could not be read, and none were read before: 503.</summary>
    IssuerUnavailable,
}

/// <param name="Caller">For <see cref="AdminTokenVerdict.Admin"/> and <see cref="AdminTokenVerdict.LacksRole"/>: who the token names.</param>
public sealed record AdminTokenOutcome(AdminTokenVerdict Verdict, Caller? Caller = null);

/// <summary>
/// Bearer tokens (JWTs) for admin calls from the OpenID Connect issuer of <see cref="LicensingOptions.AdminTokenIssuer"/>,
/// checked against its published keys (<see cref="IssuerKeys"/>): issuer, audience, lifetime on the app's clock with
/// <see cref="ClockSkew"/>, an asymmetric signature (no <c>alg: none</c>, no HMAC), an access token (never an ID token,
/// <see cref="IsAccessToken"/>), then the role.
/// The token never reaches a log line or a response.
/// </summary>
public sealed partial class AdminTokens : IDisposable
{
    public const string CallerPrefix = "oidc:";
    public const string RolesClaim = "roles";
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(2);

    private const int MaxTokenLength = 16 * 1024;
    private const int MaxSubjectLength = 128;

    private static readonly string[] AsymmetricAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    private readonly string _issuer = "";
    private readonly string _audience = "";
    private readonly string _role = "";
    private readonly TimeProvider _clock;
    private readonly ILogger<AdminTokens> _logger;
    private readonly IssuerKeys? _keys;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    public AdminTokens(IOptions<LicensingOptions> options, TimeProvider clock, ILogger<AdminTokens> logger)
    {
        _clock = clock;
        _logger = logger;
        var settings = options.Value;
        if (string.IsNullOrWhiteSpace(settings.AdminTokenIssuer))
        {
            return;
        }

        _issuer = settings.AdminTokenIssuer.Trim();
        _audience = settings.AdminTokenAudience.Trim();
        _role = settings.AdminTokenRole.Trim();
        _keys = new IssuerKeys(MetadataAddress(_issuer), requireHttps: !IsLoopbackHttp(new Uri(_issuer)), clock, logger);
    }

    /// <summary>Whether bearer tokens are accepted at all (an issuer is set).</summary>
    public bool IsEnabled => _keys is not null;

    /// <summary>The role a token must hold, for the 403's detail.</summary>
    public string Role => _role;

    /// <summary>An issuer the app may fetch metadata from: absolute https, or http on a loopback host (local tests).</summary>
    public static bool IsAcceptableIssuer(string issuer) =>
        Uri.TryCreate(issuer.Trim(), UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || IsLoopbackHttp(uri))
        && uri.Query.Length == 0 && uri.Fragment.Length == 0 && uri.UserInfo.Length == 0;

    /// <summary>The OpenID Connect discovery document of an issuer.</summary>
    public static string MetadataAddress(string issuer) => issuer.Trim().TrimEnd('/') + "/.well-known/openid-configuration";

    /// <summary>The bearer token of an <c>Authorization</c> header, or null when the header is not a bearer credential.</summary>
    public static string? BearerToken(string authorizationHeader)
    {
        const string scheme = "Bearer";
        var value = authorizationHeader.Trim();
        if (!value.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) || (value.Length > scheme.Length && value[scheme.Length] != ' '))
        {
            return null;
        }

        return value[scheme.Length..].Trim();
    }

    public async Task<AdminTokenOutcome> AuthenticateAsync(string token, string clientAddr, CancellationToken ct)
    {
        if (_keys is null || token.Length is 0 or > MaxTokenLength)
        {
            return new AdminTokenOutcome(AdminTokenVerdict.Invalid);
        }

        var configuration = await _keys.GetAsync(ct).ConfigureAwait(false);
        if (configuration is null)
        {
            return new AdminTokenOutcome(AdminTokenVerdict.IssuerUnavailable);
        }

        var result = await _handler.ValidateTokenAsync(token, Parameters(configuration)).ConfigureAwait(false);
        if (!result.IsValid && result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            // A key id we do not hold: the issuer may have rotated its keys.
            var again = await _keys.ReadAgainAsync(configuration, ct).ConfigureAwait(false);
            if (again is not null && !ReferenceEquals(again, configuration))
            {
                result = await _handler.ValidateTokenAsync(token, Parameters(again)).ConfigureAwait(false);
            }
        }

        if (!result.IsValid)
        {
            LogRejected(_logger, clientAddr, result.Exception?.GetType().Name ?? "unknown");
            return new AdminTokenOutcome(AdminTokenVerdict.Invalid);
        }

        if (!IsAccessToken((JsonWebToken)result.SecurityToken))
        {
            LogRejected(_logger, clientAddr, "not an access token");
            return new AdminTokenOutcome(AdminTokenVerdict.Invalid);
        }

        var identity = result.ClaimsIdentity;
        var subject = identity.FindFirst("oid")?.Value ?? identity.FindFirst(JwtRegisteredClaimNames.Sub)?.Value;
        if (string.IsNullOrEmpty(subject) || subject.Length > MaxSubjectLength || subject.Any(char.IsControl))
        {
            LogRejected(_logger, clientAddr, "no oid or sub");
            return new AdminTokenOutcome(AdminTokenVerdict.Invalid);
        }

        var caller = new Caller(CallerPrefix + subject, ApiScopes.Admin, null, clientAddr);
        return identity.HasClaim(RolesClaim, _role)
            ? new AdminTokenOutcome(AdminTokenVerdict.Admin, caller)
            : new AdminTokenOutcome(AdminTokenVerdict.LacksRole, caller);
    }

    public void Dispose() => _keys?.Dispose();

    /// <summary>
    /// An access token, not an ID token that happens to name this audience: typed <c>at+jwt</c> (RFC 9068), or carrying a
    /// claim only access tokens carry (Entra types both kinds <c>JWT</c>: <c>scp</c>, or the client's authentication
    /// <c>azpacr</c> in v2 and <c>appidacr</c> in v1); and never a claim of an ID token (<c>nonce</c>, <c>at_hash</c>, <c>c_hash</c>).
    /// </summary>
    public static bool IsAccessToken(JsonWebToken token)
    {
        if (IdTokenClaims.Any(name => token.TryGetClaim(name, out _)))
        {
            return false;
        }

        return string.Equals(token.Typ, "at+jwt", StringComparison.OrdinalIgnoreCase)
               || string.Equals(token.Typ, "application/at+jwt", StringComparison.OrdinalIgnoreCase)
               || AccessTokenClaims.Any(name => token.TryGetClaim(name, out _));
    }

    private static readonly string[] IdTokenClaims = ["nonce", "at_hash", "c_hash"];
    private static readonly string[] AccessTokenClaims = ["scp", "azpacr", "appidacr"];

    private TokenValidationParameters Parameters(OpenIdConnectConfiguration configuration) => new()
    {
        ValidIssuer = _issuer,
        ValidAudience = _audience,
        IssuerSigningKeys = configuration.SigningKeys,
        ValidAlgorithms = AsymmetricAlgorithms,
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        ValidateLifetime = true,
        ClockSkew = ClockSkew,
        // The library's own lifetime check reads the machine's clock; this one reads the app's TimeProvider.
        LifetimeValidator = IsCurrent,
    };

    private bool IsCurrent(DateTime? notBefore, DateTime? expires, SecurityToken token, TokenValidationParameters parameters)
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        return expires is { } until
               && until >= now - ClockSkew
               && (notBefore is not { } from || (from <= now + ClockSkew && from <= until));
    }

    private static bool IsLoopbackHttp(Uri uri) => uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Admin bearer token from {Address} refused: {Reason}")]
    private static partial void LogRejected(ILogger logger, string address, string reason);
}
