using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Licensing.Settings;
using Microsoft.Extensions.Options;

namespace Licensing.Signing;

/// <summary>
/// Signs and verifies compact JWS (ES256) with a key id: license tokens and license documents alike.
/// Verification happens before any storage read, so a forged token costs the server no round trip.
/// </summary>
public sealed class TokenSigner : IDisposable
{
    private readonly ECDsa _key;
    private readonly byte[] _encodedHeader;

    public TokenSigner(IOptions<LicensingOptions> options)
    {
        if (!SigningKeyLoader.TryLoad(options.Value, out var key, out var error))
        {
            throw new OptionsValidationException(LicensingOptions.Section, typeof(LicensingOptions), [error]);
        }

        _key = key!;
        var parameters = _key.ExportParameters(includePrivateParameters: false);
        KeyId = Base64Url.EncodeToString(SHA256.HashData(_key.ExportSubjectPublicKeyInfo()).AsSpan(0, 12));
        PublicJwk = new Jwk("EC", "P-256", Base64Url.EncodeToString(parameters.Q.X), Base64Url.EncodeToString(parameters.Q.Y), KeyId, "sig", "ES256");
        _encodedHeader = Encoding.ASCII.GetBytes(
            Base64Url.EncodeToString(Encoding.UTF8.GetBytes($$"""{"alg":"ES256","kid":"{{KeyId}}","typ":"JWT"}""")));
    }

    public string KeyId { get; }

    public Jwk PublicJwk { get; }

    public string Sign<T>(T payload, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
    {
        var body = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(payload, typeInfo));
        var signingInput = new byte[_encodedHeader.Length + 1 + body.Length];
        _encodedHeader.CopyTo(signingInput, 0);
        signingInput[_encodedHeader.Length] = (byte)'.';
        Encoding.ASCII.GetBytes(body, signingInput.AsSpan(_encodedHeader.Length + 1));
        var signature = _key.SignData(signingInput, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return Encoding.ASCII.GetString(signingInput) + "." + Base64Url.EncodeToString(signature);
    }

    /// <summary>The payload of a genuine token of ours, or null for anything else (never throws on input).</summary>
    public T? Verify<T>(string token, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
        where T : class
    {
        var parts = token.Split('.');
        if (parts.Length != 3 || !parts[0].Equals(Encoding.ASCII.GetString(_encodedHeader), StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            var signature = Base64Url.DecodeFromChars(parts[2]);
            var signingInput = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
            if (!_key.VerifyData(signingInput, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
            {
                return null;
            }

            return JsonSerializer.Deserialize(Base64Url.DecodeFromChars(parts[1]), typeInfo);
        }
        catch (Exception ex) when (ex is FormatException or JsonException or CryptographicException or ArgumentException)
        {
            return null;
        }
    }

    public void Dispose() => _key.Dispose();
}

/// <summary>A public key as RFC 7517 JSON Web Key.</summary>
public sealed record Jwk(string Kty, string Crv, string X, string Y, string Kid, string Use, string Alg);
