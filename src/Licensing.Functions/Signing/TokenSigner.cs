namespace Licensing.Signing;

/// <summary>
/// Signs and verifies compact JWS (ES256) with a key id: license tokens and license documents alike. New tokens
/// are signed with the current key; during a rotation the previous key still verifies, and both are published.
/// Verification happens before any storage read, so a forged token costs the server no round trip.
/// </summary>
public sealed class TokenSigner : IDisposable
{
    private readonly ECDsa _signingKey;
    private readonly Dictionary<string, string> _encodedHeaders = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ECDsa> _verificationKeys = new(StringComparer.Ordinal);
    private readonly string _detachedHeader;

    /// <summary>The JWS header <c>typ</c> of a webhook delivery's signature.</summary>
    public const string WebhookSignatureType = "webhook+jws";

    public TokenSigner(IOptions<LicensingOptions> options)
    {
        if (!SigningKeyLoader.TryLoad(options.Value, out var key, out var error)
            || !SigningKeyLoader.TryLoadPrevious(options.Value, out var previous, out error))
        {
            throw new OptionsValidationException(LicensingOptions.Section, typeof(LicensingOptions), [error]);
        }

        _signingKey = key!;
        KeyId = KeyIdOf(_signingKey);
        foreach (var kind in TokenKinds.All)
        {
            var header = new JwsHeader("ES256", KeyId, TokenKinds.HeaderType(kind));
            _encodedHeaders[kind] = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(header, SignedJson.Default.JwsHeader));
        }

        _detachedHeader = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new JwsHeader("ES256", KeyId, WebhookSignatureType), SignedJson.Default.JwsHeader));
        _verificationKeys[KeyId] = _signingKey;
        if (previous is not null)
        {
            _verificationKeys.TryAdd(KeyIdOf(previous), previous);
        }

        PublicKeys = _verificationKeys.Select(k => ToJwk(k.Key, k.Value)).ToArray();
    }

    /// <summary>
    /// A secret for one purpose, derived from the current signing key (HKDF): the same on every instance, unknown to
    /// anyone without the key, and new after a key rotation.
    /// </summary>
    public byte[] DeriveSecret(string purpose) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, _signingKey.ExportParameters(includePrivateParameters: true).D!, 32, info: Encoding.UTF8.GetBytes("licensing:" + purpose));

    /// <summary>The key id of the current signing key.</summary>
    public string KeyId { get; }

    /// <summary>Every key that verifies, current first, as JSON Web Keys.</summary>
    public IReadOnlyList<Jwk> PublicKeys { get; }

    /// <summary>A compact JWS of the payload, its header typed with the payload's kind.</summary>
    public string Sign<T>(T payload, JsonTypeInfo<T> typeInfo)
        where T : ISignedPayload
    {
        var signingInput = _encodedHeaders[payload.Kind] + "." + Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(payload, typeInfo));
        var signature = _signingKey.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    /// <summary>
    /// A compact JWS with a detached payload (RFC 7515 appendix F): <c>header..signature</c>, the signature over
    /// <c>header.base64url(payload)</c>, so the payload travels as it is (a webhook's body) and is signed as sent.
    /// </summary>
    public string SignDetached(ReadOnlySpan<byte> payload)
    {
        var signingInput = _detachedHeader + "." + Base64Url.EncodeToString(payload);
        var signature = _signingKey.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return _detachedHeader + ".." + Base64Url.EncodeToString(signature);
    }

    /// <summary>An ES256 signature (the 64 bytes r||s) of <paramref name="data"/> with the current key, e.g. an RFC 9421 signature base.</summary>
    public byte[] SignBytes(ReadOnlySpan<byte> data) =>
        _signingKey.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    /// <summary>
    /// The payload of a genuine token of ours of one of the <paramref name="kinds"/> (its header's <c>typ</c> and its
    /// <c>kind</c> claim agreeing), or null for anything else (never throws on input).
    /// </summary>
    public T? Verify<T>(string token, JsonTypeInfo<T> typeInfo, params string[] kinds)
        where T : class, ISignedPayload
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        try
        {
            var header = JsonSerializer.Deserialize(Base64Url.DecodeFromChars(parts[0]), SignedJson.Default.JwsHeader);
            if (header is not { Alg: "ES256", Kid: { } kid, Typ: { } typ } || !_verificationKeys.TryGetValue(kid, out var key)
                || kinds.FirstOrDefault(k => TokenKinds.HeaderType(k) == typ) is not { } kind)
            {
                return null;
            }

            var signingInput = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
            if (!key.VerifyData(signingInput, Base64Url.DecodeFromChars(parts[2]), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
            {
                return null;
            }

            var payload = JsonSerializer.Deserialize(Base64Url.DecodeFromChars(parts[1]), typeInfo);
            return payload?.Kind == kind ? payload : null;
        }
        catch (Exception ex) when (ex is FormatException or JsonException or CryptographicException or ArgumentException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        foreach (var key in _verificationKeys.Values.Distinct())
        {
            key.Dispose();
        }
    }

    private static string KeyIdOf(ECDsa key) => Base64Url.EncodeToString(SHA256.HashData(key.ExportSubjectPublicKeyInfo()).AsSpan(0, 12));

    private static Jwk ToJwk(string keyId, ECDsa key)
    {
        var parameters = key.ExportParameters(includePrivateParameters: false);
        return new Jwk("EC", "P-256", Base64Url.EncodeToString(parameters.Q.X), Base64Url.EncodeToString(parameters.Q.Y), keyId, "sig", "ES256");
    }
}

/// <summary>A public key as RFC 7517 JSON Web Key.</summary>
public sealed record Jwk(string Kty, string Crv, string X, string Y, string Kid, string Use, string Alg);

/// <summary>The protected header of our JWS.</summary>
public sealed record JwsHeader(string Alg, string Kid, string? Typ);
