namespace Licensing.Client;

/// <summary>
/// The client side of the contract's "Signed answers": a fresh <c>Licensing-Nonce</c> for each call, and the checks an
/// answer must pass (RFC 9530 digest, nonce echo, RFC 9421 signature base, date) before the SDK reads it.
/// </summary>
internal static class SignedAnswers
{
    public const string NonceHeader = "Licensing-Nonce";

    // Our server writes the parameters in this one order; anything else is not its answer.
    private static readonly Regex SignatureInput = new(
        "^lic=(?<params>\\(\"@status\" \"content-digest\" \"licensing-nonce\"\\);created=(?<created>[0-9]{1,12});keyid=\"(?<kid>[A-Za-z0-9_-]{1,64})\";alg=\"ecdsa-p256-sha256\")$",
        RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    private static readonly Regex Signature = new("^lic=:(?<sig>[A-Za-z0-9+/]{86}==):$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    /// <summary>16 random bytes, base64url: 22 characters of the nonce alphabet.</summary>
    public static string NewNonce()
    {
        var bytes = new byte[16];
        using (var random = RandomNumberGenerator.Create())
        {
            random.GetBytes(bytes);
        }

        return Base64UrlCodec.Encode(bytes);
    }

    /// <summary>What an answer's signature claims, once everything but the signature itself has checked out.</summary>
    public sealed class Claim
    {
        public Claim(string keyId, byte[] signatureBase, byte[] signature)
        {
            KeyId = keyId;
            SignatureBase = signatureBase;
            Signature = signature;
        }

        public string KeyId { get; }
        public byte[] SignatureBase { get; }
        public byte[] Signature { get; }
    }

    /// <summary>Checks digest, nonce and date and rebuilds the signature base; returns why not, or the claim to verify.</summary>
    public static (Claim? Claim, string? Refusal) Read(HttpResponseMessage response, byte[] body, string nonce, DateTimeOffset now, TimeSpan skew)
    {
        var digest = Header(response, "Content-Digest");
        if (digest is null)
        {
            return (null, "it carries no Content-Digest (is signing on at the server?)");
        }

        byte[] hash;
        using (var sha = SHA256.Create())
        {
            hash = sha.ComputeHash(body);
        }

        var expectedDigest = "sha-256=:" + Convert.ToBase64String(hash) + ":";
        if (digest != expectedDigest)
        {
            return (null, "its body does not match its Content-Digest");
        }

        if (Header(response, NonceHeader) != nonce)
        {
            return (null, "it does not echo this call's Licensing-Nonce");
        }

        var input = SignatureInput.Match(Header(response, "Signature-Input") ?? "");
        var signature = Signature.Match(Header(response, "Signature") ?? "");
        if (!input.Success || !signature.Success)
        {
            return (null, "its Signature-Input or Signature is missing or not the server's (status, digest and nonce, ES256)");
        }

        var created = DateTimeOffset.FromUnixTimeSeconds(long.Parse(input.Groups["created"].Value, System.Globalization.CultureInfo.InvariantCulture));
        if (created > now + skew || created < now - skew)
        {
            return (null, $"it was signed at {created:u}, more than {skew} from this machine's clock ({now:u})");
        }

        var signatureBase = "\"@status\": " + ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n"
            + "\"content-digest\": " + digest + "\n"
            + "\"licensing-nonce\": " + nonce + "\n"
            + "\"@signature-params\": " + input.Groups["params"].Value;
        return (new Claim(input.Groups["kid"].Value, Encoding.ASCII.GetBytes(signatureBase), Convert.FromBase64String(signature.Groups["sig"].Value)), null);
    }

    /// <summary>A header's one value, wherever HttpClient filed it (response or content headers), or null.</summary>
    private static string? Header(HttpResponseMessage response, string name)
    {
        IEnumerable<string>? values = null;
        if (!response.Headers.TryGetValues(name, out values))
        {
            HttpHeaders content = response.Content.Headers;
            content.TryGetValues(name, out values);
        }

        var list = values?.ToList();
        return list is { Count: 1 } ? list[0] : null;
    }
}
