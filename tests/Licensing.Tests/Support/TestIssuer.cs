using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Licensing.Tests.Support;

/// <summary>
/// An OpenID Connect issuer over real HTTP on a free loopback port, shaped like Entra ID's v2.0 endpoints: a discovery
/// document at <c>{issuer}/.well-known/openid-configuration</c>, a JWKS, and RS256 tokens signed with its current key.
/// </summary>
public sealed class TestIssuer : IAsyncDisposable
{
    public const string Audience = "api://licensing-tests";
    public const string Role = "Licensing.Admin";
    public const string Tenant = "tenant-under-test";

    private static readonly string[] ResponseTypes = ["code", "id_token", "token id_token"];
    private static readonly string[] SubjectTypes = ["pairwise"];
    private static readonly string[] SigningAlgorithms = ["RS256"];

    private readonly WebApplication _app;
    private readonly object _gate = new();
    private readonly List<RSA> _keys = [];
    private RsaSecurityKey _current;
    private int _metadataReads;
    private bool _stopped;

    private TestIssuer(WebApplication app, RsaSecurityKey first)
    {
        _app = app;
        _current = first;
    }

    /// <summary>The issuer (<c>iss</c>) of its tokens: <c>http://127.0.0.1:{port}/{tenant}/v2.0</c>.</summary>
    public string Issuer { get; private set; } = "";

    /// <summary>How many times the discovery document was read.</summary>
    public int MetadataReads => Volatile.Read(ref _metadataReads);

    /// <summary>The public key of the current signing key as PEM (what an HS256 forgery would use as its secret).</summary>
    public string PublicKeyPem => _current.Rsa.ExportSubjectPublicKeyInfoPem();

    public string CurrentKeyId => _current.KeyId;

    public static async Task<TestIssuer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var issuer = new TestIssuer(app, NewKey("key-1"));
        issuer._keys.Add(issuer._current.Rsa);
        app.MapGet($"/{Tenant}/v2.0/.well-known/openid-configuration", issuer.Discovery);
        app.MapGet($"/{Tenant}/discovery/v2.0/keys", issuer.Jwks);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        issuer.Issuer = $"{address}/{Tenant}/v2.0";
        return issuer;
    }

    /// <summary>Points a server's settings at this issuer, with <see cref="Audience"/> and <see cref="Role"/>.</summary>
    public void Configure(Dictionary<string, string?> settings)
    {
        settings["Licensing:AdminTokenIssuer"] = Issuer;
        settings["Licensing:AdminTokenAudience"] = Audience;
        settings["Licensing:AdminTokenRole"] = Role;
    }

    /// <summary>
    /// An access token as Entra would issue it (v2: the client in azp, how it authenticated in azpacr), valid for
    /// <paramref name="lifetime"/> (default an hour) from <paramref name="now"/>; with <paramref name="idToken"/> an ID
    /// token instead: the same audience, roles and signature, but a nonce and no client claims.
    /// </summary>
    public string Mint(
        DateTimeOffset now,
        string[]? roles = null,
        string? audience = null,
        string? issuer = null,
        TimeSpan? lifetime = null,
        SigningCredentials? signedWith = null,
        string? oid = "00000000-0000-0000-0000-0000000000a1",
        string sub = "subject-of-the-test-admin",
        bool idToken = false)
    {
        var claims = new Dictionary<string, object>
        {
            ["sub"] = sub,
            ["roles"] = roles ?? [Role],
        };
        if (idToken)
        {
            claims["nonce"] = "nonce-of-a-sign-in";
        }
        else
        {
            claims["azp"] = "client-app-of-the-test";
            claims["azpacr"] = "1";
        }

        if (oid is not null)
        {
            claims["oid"] = oid;
        }

        var expires = now + (lifetime ?? TimeSpan.FromHours(1));
        var issued = expires < now ? expires.AddHours(-1) : now.AddMinutes(-1);
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience ?? Audience,
            IssuedAt = issued.UtcDateTime,
            NotBefore = issued.UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = claims,
            SigningCredentials = signedWith ?? new SigningCredentials(Current(), SecurityAlgorithms.RsaSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    /// <summary>An unsigned token (<c>alg: none</c>) with otherwise valid claims.</summary>
    public string MintUnsigned(DateTimeOffset now) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = now.UtcDateTime.AddHours(1),
            Claims = new Dictionary<string, object> { ["sub"] = "someone", ["roles"] = new[] { Role } },
        });

    /// <summary>HS256 with the issuer's public key (PEM) as the HMAC secret: the classic algorithm-confusion forgery.</summary>
    public string MintHs256WithPublicKeyAsSecret(DateTimeOffset now)
    {
        var secret = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(PublicKeyPem)) { KeyId = CurrentKeyId };
        return Mint(now, signedWith: new SigningCredentials(secret, SecurityAlgorithms.HmacSha256));
    }

    /// <summary>A new signing key with a new key id; the JWKS then publishes only it.</summary>
    public void Rotate(string keyId)
    {
        var next = NewKey(keyId);
        lock (_gate)
        {
            _keys.Add(next.Rsa);
            _current = next;
        }
    }

    /// <summary>A key the issuer never published.</summary>
    public SigningCredentials StrangerKey(string keyId = "stranger")
    {
        var key = NewKey(keyId);
        lock (_gate)
        {
            _keys.Add(key.Rsa);
        }

        return new SigningCredentials(key, SecurityAlgorithms.RsaSha256);
    }

    /// <summary>Stops answering: the port closes.</summary>
    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await _app.StopAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
        foreach (var key in _keys)
        {
            key.Dispose();
        }
    }

    private RsaSecurityKey Current()
    {
        lock (_gate)
        {
            return _current;
        }
    }

    private IResult Discovery(HttpContext context)
    {
        Interlocked.Increment(ref _metadataReads);
        var origin = Issuer[..Issuer.IndexOf($"/{Tenant}/", StringComparison.Ordinal)];
        return Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = Issuer,
            ["authorization_endpoint"] = $"{origin}/{Tenant}/oauth2/v2.0/authorize",
            ["token_endpoint"] = $"{origin}/{Tenant}/oauth2/v2.0/token",
            ["jwks_uri"] = $"{origin}/{Tenant}/discovery/v2.0/keys",
            ["response_types_supported"] = ResponseTypes,
            ["subject_types_supported"] = SubjectTypes,
            ["id_token_signing_alg_values_supported"] = SigningAlgorithms,
        });
    }

    private IResult Jwks(HttpContext context)
    {
        var key = JsonWebKeyConverter.ConvertFromRSASecurityKey(Current());
        return Results.Json(new
        {
            keys = new[] { new { kty = key.Kty, use = "sig", kid = key.Kid, alg = "RS256", n = key.N, e = key.E } },
        });
    }

    private static RsaSecurityKey NewKey(string keyId) => new(RSA.Create(2048)) { KeyId = keyId };
}
