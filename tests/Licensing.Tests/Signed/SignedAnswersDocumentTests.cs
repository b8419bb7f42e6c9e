using System.Text.Json.Nodes;
using Licensing.Api;
using Licensing.Http;

namespace Licensing.Tests.Signed;

/// <summary>The OpenAPI document tells a client writer about signed answers: the nonce it may send, the headers every answer of a license call carries.</summary>
public sealed class SignedAnswersDocumentTests
{
    private static readonly string[] SignatureHeaders =
        [AnswerSigning.DigestHeader, AnswerSigning.SignatureInputHeader, AnswerSigning.SignatureHeader, AnswerSigning.NonceHeader];

    [Fact]
    public void Every_license_call_takes_the_nonce_header_and_describes_the_signature_headers_on_every_answer()
    {
        var document = JsonNode.Parse(OpenApiDocument.Json.Span)!;
        var calls = document["paths"]!.AsObject()
            .Where(p => p.Key.StartsWith("/v1/license/", StringComparison.Ordinal))
            .SelectMany(p => p.Value!.AsObject().Select(o => (Name: $"{o.Key} {p.Key}", Operation: o.Value!)))
            .ToList();

        Assert.Equal(13, calls.Count);
        foreach (var (name, operation) in calls)
        {
            var parameters = operation["parameters"]!.AsArray().Select(p => Resolve(document, p!)).ToList();
            Assert.Contains(parameters, p => (string?)p["name"] == AnswerSigning.NonceHeader && (string?)p["in"] == "header");
            var answers = operation["responses"]!.AsObject().ToList();
            Assert.NotEmpty(answers);
            foreach (var (status, answer) in answers)
            {
                var headers = Resolve(document, answer!)["headers"]?.AsObject().Select(h => h.Key).ToArray() ?? [];
                Assert.True(SignatureHeaders.All(headers.Contains), $"{name} {status} describes [{string.Join(", ", headers)}]");
            }
        }
    }

    [Fact]
    public void The_documented_nonce_is_the_one_the_server_accepts()
    {
        var nonce = JsonNode.Parse(OpenApiDocument.Json.Span)!["components"]!["parameters"]!["LicensingNonce"]!["schema"]!;

        Assert.True(JsonNode.DeepEquals(
            new JsonObject { ["type"] = "string", ["minLength"] = 1, ["maxLength"] = AnswerSigning.MaxNonceLength, ["pattern"] = "^[A-Za-z0-9_-]+$" },
            nonce), nonce.ToJsonString());
    }

    private static JsonNode Resolve(JsonNode document, JsonNode node)
    {
        while (node["$ref"] is { } reference)
        {
            node = ((string)reference!).TrimStart('#').Split('/', StringSplitOptions.RemoveEmptyEntries)
                .Aggregate(document, (current, step) => current[step]!);
        }

        return node;
    }
}
