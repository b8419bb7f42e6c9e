using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Licensing.Tests.Support;

/// <summary>
/// What sits between the SDK and the real server in the signed-answer tests: a proxy that changes the answers of one
/// license call in one way each, or a fake server that signs answers of its own with a key of its own.
/// </summary>
public sealed class AnswerTampering(string call, Func<HttpResponseMessage, Task<HttpResponseMessage>> change) : DelegatingHandler(new HttpClientHandler())
{
    public int Changed { get; private set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (request.RequestUri!.AbsolutePath != "/v1/license/" + call)
        {
            return response;
        }

        Changed++;
        return await change(response);
    }

    /// <summary>The answer with another body (same headers).</summary>
    public static async Task<HttpResponseMessage> WithBodyAsync(HttpResponseMessage response, Func<string, string> edit)
    {
        var body = edit(await response.Content.ReadAsStringAsync());
        var contentType = response.Content.Headers.ContentType;
        response.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        response.Content.Headers.ContentType = contentType;
        return response;
    }

    public static HttpResponseMessage WithHeader(HttpResponseMessage response, string name, string? value)
    {
        response.Headers.Remove(name);
        if (value is not null)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }

    public static string Header(HttpResponseMessage response, string name) => response.Headers.GetValues(name).Single();

    /// <summary>
    /// A fake server's answer: <paramref name="body"/> with a correct digest, the request's nonce echoed, the real key id
    /// and created, signed as RFC 9421 says, but with <paramref name="key"/>.
    /// </summary>
    public static HttpResponseMessage Forged(HttpResponseMessage real, string body, ECDsa key)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var digest = $"sha-256=:{Convert.ToBase64String(SHA256.HashData(bytes))}:";
        var nonce = Header(real, "Licensing-Nonce");
        var parameters = Header(real, "Signature-Input")["lic=".Length..];
        var signatureBase = $"\"@status\": 200\n\"content-digest\": {digest}\n\"licensing-nonce\": {nonce}\n\"@signature-params\": {parameters}";
        var signature = key.SignData(Encoding.ASCII.GetBytes(signatureBase), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        var forged = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(bytes) };
        forged.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json; charset=utf-8");
        forged.Headers.TryAddWithoutValidation("Content-Digest", digest);
        forged.Headers.TryAddWithoutValidation("Licensing-Nonce", nonce);
        forged.Headers.TryAddWithoutValidation("Signature-Input", "lic=" + parameters);
        forged.Headers.TryAddWithoutValidation("Signature", $"lic=:{Convert.ToBase64String(signature)}:");
        real.Dispose();
        return forged;
    }
}
