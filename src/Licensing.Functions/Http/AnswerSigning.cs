namespace Licensing.Http;

/// <summary>
/// Signs every answer of a <c>/v1/license/*</c> call (the contract's "Signed answers"): an RFC 9530
/// <c>Content-Digest</c> of the body, and an RFC 9421 signature labelled <c>lic</c> over the status, that digest and
/// the client's <c>Licensing-Nonce</c> (echoed), with the current signing key. No header a proxy rewrites (Date,
/// Host) is covered. <see cref="ApiEndpoint"/> runs it on every answer, so both hosts sign the same way.
/// </summary>
public sealed class AnswerSigning(TokenSigner signer, IOptions<LicensingOptions> options, TimeProvider clock)
{
    public const string NonceHeader = "Licensing-Nonce";
    public const string DigestHeader = "Content-Digest";
    public const string SignatureInputHeader = "Signature-Input";
    public const string SignatureHeader = "Signature";
    public const string Label = "lic";
    public const string Algorithm = "ecdsa-p256-sha256";
    public const int MaxNonceLength = 64;

    private const string LicenseCalls = "/v1/license";

    /// <summary>Whether this request's answer is signed: a license call, with <see cref="LicensingOptions.SignAnswers"/> on.</summary>
    public bool Covers(HttpRequest request) =>
        options.Value.SignAnswers && request.Path.StartsWithSegments(LicenseCalls, StringComparison.OrdinalIgnoreCase);

    /// <summary>The client's nonce (null when it sent none), or a 400 problem when it sent a malformed one.</summary>
    public static (string? Nonce, IActionResult? Problem) ReadNonce(HttpRequest request)
    {
        if (!request.Headers.TryGetValue(NonceHeader, out var values))
        {
            return (null, null);
        }

        var nonce = values.Count == 1 ? values[0] : null;
        return nonce is { Length: > 0 and <= MaxNonceLength } && nonce.All(IsNonceChar)
            ? (nonce, null)
            : (null, Problems.Validation(new Dictionary<string, string[]>
            {
                [NonceHeader] = [$"must be one value of 1 to {MaxNonceLength} of A-Z, a-z, 0-9, '-' and '_'."],
            }));
    }

    /// <summary>The headers that sign an answer of <paramref name="status"/> with <paramref name="body"/>.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Sign(int status, ReadOnlySpan<byte> body, string? nonce)
    {
        var digest = "sha-256=:" + Convert.ToBase64String(SHA256.HashData(body)) + ":";
        var components = nonce is null ? "(\"@status\" \"content-digest\")" : "(\"@status\" \"content-digest\" \"licensing-nonce\")";
        var created = clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var parameters = $"{components};created={created};keyid=\"{signer.KeyId}\";alg=\"{Algorithm}\"";

        // RFC 9421 section 2.5: one line per covered component, then the signature parameters, joined by LF.
        var signatureBase = new StringBuilder()
            .Append("\"@status\": ").Append(status.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append("\"content-digest\": ").Append(digest).Append('\n');
        if (nonce is not null)
        {
            signatureBase.Append("\"licensing-nonce\": ").Append(nonce).Append('\n');
        }

        signatureBase.Append("\"@signature-params\": ").Append(parameters);
        var signature = signer.SignBytes(Encoding.ASCII.GetBytes(signatureBase.ToString()));

        var headers = new List<KeyValuePair<string, string>>(4)
        {
            new(DigestHeader, digest),
            new(SignatureInputHeader, Label + "=" + parameters),
            new(SignatureHeader, Label + "=:" + Convert.ToBase64String(signature) + ":"),
        };
        if (nonce is not null)
        {
            headers.Add(new(NonceHeader, nonce));
        }

        return headers;
    }

    private static bool IsNonceChar(char c) => c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_';
}
