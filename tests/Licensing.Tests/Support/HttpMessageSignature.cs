using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Licensing.Tests.Support;

/// <summary>
/// An RFC 9421 verifier for one signature of a response, written from the RFC for the tests (not the server's code):
/// the Signature-Input member is parsed as a structured field, the signature base is built as section 2.5 says (one
/// line per covered component, lowercased names in quotes, then "@signature-params"), the Content-Digest is checked
/// as RFC 9530 says, and the ES256 signature (r||s) is verified with the JWKS key the keyid names.
/// </summary>
public sealed record HttpMessageSignature(int Status, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public static async Task<HttpMessageSignature> OfAsync(HttpResponseMessage response)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in response.Headers.Concat<KeyValuePair<string, IEnumerable<string>>>(response.Content.Headers))
        {
            headers[name] = string.Join(", ", values);
        }

        return new((int)response.StatusCode, headers, await response.Content.ReadAsByteArrayAsync());
    }

    /// <summary>The covered component names of the member labelled <paramref name="label"/>, in order.</summary>
    public IReadOnlyList<string> Components(string label = "lic") => Parse(label).Components;

    /// <summary>A signature parameter (created, keyid, alg) as written, quotes removed.</summary>
    public string Parameter(string name, string label = "lic") => Parse(label).Parameters[name];

    /// <summary>The signature base of section 2.5.</summary>
    public string SignatureBase(string label = "lic")
    {
        var (components, _, serialized) = Parse(label);
        var lines = components.Select(c => $"\"{c}\": {ComponentValue(c)}").Append($"\"@signature-params\": {serialized}");
        return string.Join('\n', lines);
    }

    /// <summary>Whether the digest matches the body and the signature verifies with the key of <paramref name="jwks"/> it names.</summary>
    public bool Verifies(JsonElement jwks, string label = "lic")
    {
        if (!Headers.TryGetValue("Content-Digest", out var digest) || digest != $"sha-256=:{Convert.ToBase64String(SHA256.HashData(Body))}:")
        {
            return false;
        }

        var keyId = Parameter("keyid", label);
        var jwk = jwks.GetProperty("keys").EnumerateArray().FirstOrDefault(k => k.GetProperty("kid").GetString() == keyId);
        if (jwk.ValueKind != JsonValueKind.Object || Parameter("alg", label) != "ecdsa-p256-sha256")
        {
            return false;
        }

        using var key = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = Base64Url.DecodeFromChars(jwk.GetProperty("x").GetString()), Y = Base64Url.DecodeFromChars(jwk.GetProperty("y").GetString()) },
        });
        var signature = SignatureBytes(label);
        return signature.Length == 64
            && key.VerifyData(Encoding.ASCII.GetBytes(SignatureBase(label)), signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    public HttpMessageSignature WithStatus(int status) => this with { Status = status };

    public HttpMessageSignature WithBody(string body) => this with { Body = Encoding.UTF8.GetBytes(body) };

    public HttpMessageSignature WithHeader(string name, string value) =>
        this with { Headers = new Dictionary<string, string>(Headers, StringComparer.OrdinalIgnoreCase) { [name] = value } };

    private string ComponentValue(string component) => component switch
    {
        "@status" => Status.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ when component.StartsWith('@') => throw new NotSupportedException(component),
        // Section 2.1: the field's values, trimmed, combined with ", ".
        _ => Headers[component].Trim(),
    };

    private byte[] SignatureBytes(string label)
    {
        var member = Member(Headers["Signature"], label);
        return member.StartsWith(':') && member.EndsWith(':') ? Convert.FromBase64String(member[1..^1]) : [];
    }

    /// <summary>Section 4.1: an inner list of strings, then ;name=value parameters (strings quoted, integers bare).</summary>
    private (IReadOnlyList<string> Components, Dictionary<string, string> Parameters, string Serialized) Parse(string label)
    {
        var member = Member(Headers["Signature-Input"], label);
        var close = member.IndexOf(')');
        var components = member[1..close].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(c => c.Trim('"')).ToList();
        var parameters = member[(close + 1)..].Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1].Trim('"'), StringComparer.Ordinal);
        return (components, parameters, member);
    }

    private static string Member(string dictionary, string label) =>
        dictionary.Split(',').Select(m => m.Trim()).Single(m => m.StartsWith(label + "=", StringComparison.Ordinal))[(label.Length + 1)..];
}
