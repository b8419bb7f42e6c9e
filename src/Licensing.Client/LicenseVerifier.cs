namespace Licensing.Client;

/// <summary>The terms of a license document that verified.</summary>
public sealed class VerifiedLicense : EntitledTerms
{
    public string LicenseId { get; set; } = "";
    public string ProductId { get; set; } = "";
    public LicensingMode LicensingMode { get; set; }
    public int MaxClientCount { get; set; }
    public DateTimeOffset? ExpireAt { get; set; }

    /// <summary>When the license's grace after <see cref="ExpireAt"/> ends (null: no grace); the document verifies until then.</summary>
    public DateTimeOffset? GraceEndsAt { get; set; }

    /// <summary>Past <see cref="ExpireAt"/> and within the grace, when the document was verified.</summary>
    public bool InGrace { get; set; }

    public DateTimeOffset? SupportExpireAt { get; set; }
    public string? CustomerName { get; set; }
    public IReadOnlyList<string> Features { get; set; } = [];

    /// <summary>When the server signed this copy: the last time it vouched for the license.</summary>
    public DateTimeOffset IssuedAt { get; set; }

    /// <summary>The id of the key that signed it.</summary>
    public string KeyId { get; set; } = "";
}

/// <summary>The claims of a license token that verified.</summary>
public sealed class VerifiedToken : EntitledTerms
{
    public string LicenseId { get; set; } = "";
    public string TokenId { get; set; } = "";
    public DateTimeOffset IssuedAt { get; set; }

    /// <summary>An activation token's offline validity; a lease token has none (heartbeats keep it).</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    public string KeyId { get; set; } = "";
}

/// <summary>
/// Checks the server's signed license documents and tokens offline, against its published keys (ES256, by key id),
/// with a stated clock-skew tolerance. Every failure is a <see cref="LicensingException"/> of kind
/// <see cref="LicensingErrorKind.VerificationFailed"/> saying why.
/// </summary>
public sealed class LicenseVerifier
{
    /// <summary>How far this machine's clock may be off the server's before dates count against a document.</summary>
    public static readonly TimeSpan DefaultClockSkew = TimeSpan.FromMinutes(5);

    private readonly Dictionary<string, JsonWebKey> _keys;
    private readonly TimeProvider _clock;

    public LicenseVerifier(JsonWebKeySet keys, TimeSpan? clockSkew = null, TimeProvider? clock = null)
    {
        _keys = (keys ?? throw new ArgumentNullException(nameof(keys))).Keys
            .Where(k => k.Kty == "EC" && k.Crv == "P-256")
            .GroupBy(k => k.Kid, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        ClockSkew = clockSkew ?? DefaultClockSkew;
        _clock = clock ?? TimeProvider.System;
    }

    public TimeSpan ClockSkew { get; }

    /// <summary>A verifier over keys the app ships or cached (the JSON of GET /v1/license/keys).</summary>
    public static LicenseVerifier FromJwks(string json, TimeSpan? clockSkew = null, TimeProvider? clock = null) =>
        new(JsonSerializer.Deserialize<JsonWebKeySet>(json, WireJson.Options) ?? new JsonWebKeySet(), clockSkew, clock);

    public bool KnowsKey(string keyId) => _keys.ContainsKey(keyId);

    /// <summary>The key id a compact JWS names in its header, or null for anything that is no JWS.</summary>
    public static string? KeyIdOf(string compactJws)
    {
        try
        {
            var parts = (compactJws ?? "").Split('.');
            return parts.Length == 3 ? Header(parts[0]).Kid : null;
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Verifies <c>license.licenseKey</c> (the bytes of a compact JWS) and checks its dates.</summary>
    public VerifiedLicense VerifyDocument(byte[] licenseKey)
    {
        var (payload, keyId, _) = Verify(Encoding.ASCII.GetString(licenseKey ?? throw new ArgumentNullException(nameof(licenseKey))), LicenseKind);
        var document = Parse<DocumentClaims>(payload);
        if (document.Kind != LicenseKind || string.IsNullOrEmpty(document.LicenseId) || document.IssuedAt <= 0)
        {
            throw LicensingException.VerificationFailed("This is not a license document (its kind or required claims are missing).");
        }

        var now = _clock.GetUtcNow();
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(document.IssuedAt);
        if (issuedAt > now + ClockSkew)
        {
            throw LicensingException.VerificationFailed($"The license document is dated {issuedAt:u}, in the future beyond the {ClockSkew} clock-skew tolerance.");
        }

        var expireAt = document.ExpireAt is { } expire ? DateTimeOffset.FromUnixTimeSeconds(expire) : (DateTimeOffset?)null;
        var graceEndsAt = expireAt is not null && document.GraceEndsAt is { } grace ? DateTimeOffset.FromUnixTimeSeconds(grace) : (DateTimeOffset?)null;
        // Compared as now - skew: an end near the year 9999 (a license without end) plus the skew would not fit.
        if (expireAt is { } end && (graceEndsAt ?? end) <= now - ClockSkew)
        {
            throw LicensingException.VerificationFailed(
                graceEndsAt is { } graceEnd ? $"The license expired at {end:u} and its grace ended at {graceEnd:u}." : $"The license expired at {end:u}.");
        }

        var license = new VerifiedLicense
        {
            LicenseId = document.LicenseId,
            ProductId = document.ProductId,
            LicensingMode = (LicensingMode)document.LicensingMode,
            MaxClientCount = document.MaxClientCount,
            ExpireAt = expireAt,
            GraceEndsAt = graceEndsAt,
            InGrace = graceEndsAt is { } until && expireAt <= now && now < until,
            SupportExpireAt = document.SupportExpireAt is { } support ? DateTimeOffset.FromUnixTimeSeconds(support) : null,
            CustomerName = document.CustomerName,
            Features = document.Features ?? [],
            IssuedAt = issuedAt,
            KeyId = keyId,
            Entitlements = document.Entitlements is null
                ? (document.Features ?? []).Select(code => new LicenseEntitlement { Code = code }).ToArray()
                : EntitlementClaim.ToEntitlements(document.Entitlements),
        };
        license.EvaluateWith(_clock, ClockSkew);
        return license;
    }

    /// <summary>Verifies a license token's signature and, for an activation token, its offline validity.</summary>
    public VerifiedToken VerifyToken(string licenseToken)
    {
        var (payload, keyId, kind) = Verify(licenseToken ?? throw new ArgumentNullException(nameof(licenseToken)), LeaseKind, ActivationKind);
        var claims = Parse<TokenClaims>(payload);
        if (claims.Kind != kind
            || string.IsNullOrEmpty(claims.Lid) || string.IsNullOrEmpty(claims.Tid) || claims.Iat <= 0)
        {
            throw LicensingException.VerificationFailed("This is not a license token (its kind or required claims are missing).");
        }

        var expiresAt = claims.Exp is { } exp ? DateTimeOffset.FromUnixTimeSeconds(exp) : (DateTimeOffset?)null;
        if (expiresAt is { } end && end <= _clock.GetUtcNow() - ClockSkew)
        {
            throw LicensingException.VerificationFailed($"The license token expired at {end:u}: validate online to renew it.");
        }

        var token = new VerifiedToken
        {
            LicenseId = claims.Lid,
            TokenId = claims.Tid,
            IssuedAt = DateTimeOffset.FromUnixTimeSeconds(claims.Iat),
            ExpiresAt = expiresAt,
            KeyId = keyId,
            Entitlements = EntitlementClaim.ToEntitlements(claims.Ent),
        };
        token.EvaluateWith(_clock, ClockSkew);
        return token;
    }

    /// <summary>The signed payload of an offline activation's response (its JWS after <c>lsres1.</c>), typed <c>offline-activation</c>.</summary>
    internal (byte[] Payload, string KeyId) VerifyOfflineResponse(string compactJws)
    {
        var (payload, keyId, _) = Verify(compactJws, OfflineActivationKind);
        return (payload, keyId);
    }

    private const string LeaseKind = "lease";
    private const string ActivationKind = "activation";
    private const string LicenseKind = "license";
    private const string OfflineActivationKind = "offline-activation";

    /// <summary>The JWS <c>typ</c> of a kind: <c>kind+jwt</c>, but an offline response is typed as its kind alone.</summary>
    private static string HeaderType(string kind) => kind == OfflineActivationKind ? kind : kind + "+jwt";

    /// <summary>Checks the signature of a compact JWS whose header says it is one of <paramref name="kinds"/>, and says which.</summary>
    private (byte[] Payload, string KeyId, string Kind) Verify(string compactJws, params string[] kinds)
    {
        var parts = compactJws.Split('.');
        if (parts.Length != 3)
        {
            throw LicensingException.VerificationFailed("Not a signed license document or token (expected header.payload.signature).");
        }

        JwsHeader header;
        byte[] payload;
        byte[] signature;
        try
        {
            header = Header(parts[0]);
            payload = Base64UrlCodec.Decode(parts[1]);
            signature = Base64UrlCodec.Decode(parts[2]);
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            throw LicensingException.VerificationFailed("The signed document is malformed.");
        }

        if (header.Alg != "ES256" || header.Kid is null)
        {
            throw LicensingException.VerificationFailed($"Unsupported signature algorithm '{header.Alg}'.");
        }

        if (!_keys.TryGetValue(header.Kid, out var jwk))
        {
            throw LicensingException.VerificationFailed($"Signed with key '{header.Kid}', which is not one of the server's published keys.");
        }

        if (kinds.FirstOrDefault(k => header.Typ == HeaderType(k)) is not { } kind)
        {
            throw LicensingException.VerificationFailed(
                $"Signed as '{header.Typ ?? "(no type)"}' where {string.Join(" or ", kinds.Select(k => $"'{HeaderType(k)}'"))} is expected.");
        }

        using var key = PublicKey(jwk);
        if (!key.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), signature, HashAlgorithmName.SHA256))
        {
            throw LicensingException.VerificationFailed("The signature does not verify: the document was altered or not signed by this server.");
        }

        return (payload, header.Kid, kind);
    }

    /// <summary>
    /// Checks a compact JWS with a detached payload (<c>header..signature</c>, RFC 7515 appendix F) over
    /// <paramref name="payload"/>, typed <paramref name="type"/> and signed with a published key; returns the key id.
    /// </summary>
    internal string VerifyDetached(string detachedJws, byte[] payload, string type)
    {
        var parts = detachedJws.Split('.');
        if (parts.Length != 3 || parts[1].Length != 0)
        {
            throw LicensingException.VerificationFailed("Not a detached signature (expected header..signature).");
        }

        JwsHeader header;
        byte[] signature;
        try
        {
            header = Header(parts[0]);
            signature = Base64UrlCodec.Decode(parts[2]);
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            throw LicensingException.VerificationFailed("The signature is malformed.");
        }

        if (header.Alg != "ES256" || header.Kid is null || header.Typ != type)
        {
            throw LicensingException.VerificationFailed($"Expected an ES256 signature typed '{type}' with a key id.");
        }

        if (!_keys.TryGetValue(header.Kid, out var jwk))
        {
            throw LicensingException.VerificationFailed($"Signed with key '{header.Kid}', which is not one of the server's published keys.");
        }

        using var key = PublicKey(jwk);
        var signingInput = Encoding.ASCII.GetBytes(parts[0] + "." + Base64UrlCodec.Encode(payload));
        if (!key.VerifyData(signingInput, signature, HashAlgorithmName.SHA256))
        {
            throw LicensingException.VerificationFailed("The signature does not verify: the body was altered or not signed by this server.");
        }

        return header.Kid;
    }

    /// <summary>Checks a signed answer's ES256 signature over its signature base with the key it names.</summary>
    internal void VerifyAnswer(SignedAnswers.Claim claim)
    {
        if (!_keys.TryGetValue(claim.KeyId, out var jwk))
        {
            throw LicensingException.VerificationFailed($"it is signed with key '{claim.KeyId}', which is not one of the server's keys");
        }

        using var key = PublicKey(jwk);
        if (!key.VerifyData(claim.SignatureBase, claim.Signature, HashAlgorithmName.SHA256))
        {
            throw LicensingException.VerificationFailed("its signature does not verify over its status, digest and nonce");
        }
    }

    private static ECDsa PublicKey(JsonWebKey jwk) => ECDsa.Create(new ECParameters
    {
        Curve = ECCurve.NamedCurves.nistP256,
        Q = new ECPoint { X = Base64UrlCodec.Decode(jwk.X), Y = Base64UrlCodec.Decode(jwk.Y) },
    });

    private static JwsHeader Header(string encoded) =>
        JsonSerializer.Deserialize<JwsHeader>(Base64UrlCodec.Decode(encoded), WireJson.Options) ?? throw new FormatException("Empty header.");

    private static T Parse<T>(byte[] payload)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(payload, WireJson.Options) ?? throw LicensingException.VerificationFailed("The signed payload is empty.");
        }
        catch (JsonException)
        {
            throw LicensingException.VerificationFailed("The signed payload is not what this SDK expects.");
        }
    }

    private sealed class JwsHeader
    {
        public string? Alg { get; set; }
        public string? Kid { get; set; }
        public string? Typ { get; set; }
    }

    private sealed class DocumentClaims
    {
        public string LicenseId { get; set; } = "";
        public string ProductId { get; set; } = "";
        public int LicensingMode { get; set; }
        public int MaxClientCount { get; set; }
        public long? ExpireAt { get; set; }
        public long? GraceEndsAt { get; set; }
        public long? SupportExpireAt { get; set; }
        public string? CustomerName { get; set; }
        public List<string>? Features { get; set; }
        public List<EntitlementClaim>? Entitlements { get; set; }
        public long IssuedAt { get; set; }
        public string? Kind { get; set; }
    }

    private sealed class TokenClaims
    {
        public string Lid { get; set; } = "";
        public string Tid { get; set; } = "";
        public long Iat { get; set; }
        public long? Exp { get; set; }
        public string? Kind { get; set; }
        public List<EntitlementClaim>? Ent { get; set; }
    }
}

internal static class Base64UrlCodec
{
    public static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] Decode(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        switch (s.Length % 4)
        {
            case 2:
                s += "==";
                break;
            case 3:
                s += "=";
                break;
            case 1:
                throw new FormatException("Invalid base64url length.");
        }

        return Convert.FromBase64String(s);
    }
}
