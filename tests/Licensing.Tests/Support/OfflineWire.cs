using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Licensing.Tests.Support;

/// <summary>
/// The offline texts as the contract writes them, built and read here independently of the server's and the SDK's
/// code: a request (<c>lsreq1.</c>), a response's JWS (<c>lsres1.</c>) and a deactivation proof (<c>lsdea1.</c>).
/// </summary>
public static class OfflineWire
{
    public static string NewRequestId() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));

    public static string Request(string userKey, string machineId, string requestId, DateTimeOffset createdAt, string? productId = null, string? clientName = null)
    {
        var json = new JsonObject { ["v"] = 1 };
        if (productId is not null)
        {
            json["productId"] = productId;
        }

        json["userKey"] = userKey;
        json["machineId"] = machineId;
        if (clientName is not null)
        {
            json["clientName"] = clientName;
        }

        json["requestId"] = requestId;
        json["createdAt"] = createdAt.ToUnixTimeSeconds();
        return Text("lsreq1.", json.ToJsonString());
    }

    /// <summary>A prefix and the base64url (no padding) of a JSON text.</summary>
    public static string Text(string prefix, string json) => prefix + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));

    /// <summary>The response's JWS header and payload (the text after <c>lsres1.</c>), unverified.</summary>
    public static (JsonElement Header, JsonElement Payload) Read(string response)
    {
        Assert.StartsWith("lsres1.", response, StringComparison.Ordinal);
        var parts = response["lsres1.".Length..].Split('.');
        Assert.Equal(3, parts.Length);
        using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));
        using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
        return (header.RootElement.Clone(), payload.RootElement.Clone());
    }

    /// <summary>Whether the response's ES256 signature verifies with the key of its kid among the JWKS's keys.</summary>
    public static bool Verifies(string response, JsonElement jwks)
    {
        var jws = response["lsres1.".Length..];
        var parts = jws.Split('.');
        var kid = Read(response).Header.GetProperty("kid").GetString();
        var jwk = jwks.GetProperty("keys").EnumerateArray().Single(k => k.GetProperty("kid").GetString() == kid);
        using var key = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = Base64Url.DecodeFromChars(jwk.GetProperty("x").GetString()), Y = Base64Url.DecodeFromChars(jwk.GetProperty("y").GetString()) },
        });
        return key.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url.DecodeFromChars(parts[2]), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    /// <summary>A well-formed proof of a request that was never answered, its MAC random.</summary>
    public static string ProofWithoutAnswer(string licenseId, string machineId, DateTimeOffset at)
    {
        var json = new JsonObject
        {
            ["v"] = 1,
            ["licenseId"] = licenseId,
            ["machineId"] = machineId,
            ["requestId"] = NewRequestId(),
            ["at"] = at.ToUnixTimeSeconds(),
            ["mac"] = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32)),
        };
        return Text("lsdea1.", json.ToJsonString());
    }

    /// <summary>A deactivation proof for a response, its MAC keyed with <paramref name="secret"/> (the response's own unless given).</summary>
    public static string Proof(string response, DateTimeOffset at, string? secret = null, string? machineId = null)
    {
        var payload = Read(response).Payload;
        var licenseId = payload.GetProperty("licenseId").GetString()!;
        var machine = machineId ?? payload.GetProperty("machineId").GetString()!;
        var requestId = payload.GetProperty("requestId").GetString()!;
        var seconds = at.ToUnixTimeSeconds();
        var signed = string.Create(CultureInfo.InvariantCulture, $"{licenseId}.{machine}.{requestId}.{seconds}");
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret ?? payload.GetProperty("deactivationSecret").GetString()!), Encoding.UTF8.GetBytes(signed));
        var json = new JsonObject
        {
            ["v"] = 1,
            ["licenseId"] = licenseId,
            ["machineId"] = machine,
            ["requestId"] = requestId,
            ["at"] = seconds,
            ["mac"] = Base64Url.EncodeToString(mac),
        };
        return Text("lsdea1.", json.ToJsonString());
    }
}
