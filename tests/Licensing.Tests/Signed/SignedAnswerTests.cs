using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Licensing.Tests.Support;

namespace Licensing.Tests.Signed;

/// <summary>
/// Every answer of a license call is signed as the contract's "Signed answers" says, checked over real HTTP by the
/// tests' own RFC 9421 verifier (<see cref="HttpMessageSignature"/>), with the keys the server publishes.
/// </summary>
public sealed class SignedAnswerTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const string CoveredWithNonce = "(\"@status\" \"content-digest\" \"licensing-nonce\")";

    [Fact]
    public async Task Every_license_call_of_a_seat_lifecycle_answers_signed_over_its_status_digest_and_echoed_nonce()
    {
        var floating = await server.CreateLicenseAsync(mode: 2, seats: 1, extra: new { maxBorrowDuration = new { seconds = 3600, nanos = 0 } });
        var activation = await server.CreateLicenseAsync(mode: 1, seats: 1);
        var request = await CallAsync("request", new { floating.UserKey, machineId = "m1" }, "n-request");
        var token = JsonDocument.Parse(request.Body).RootElement.GetProperty("licenseToken").GetString()!;
        var answers = new List<(string Call, HttpMessageSignature Answer, int Status, string Nonce)>
        {
            ("request", request, 200, "n-request"),
            ("heartbeat", await CallAsync("heartbeat", new { licenseToken = token, machineId = "m1" }, "n-heartbeat"), 200, "n-heartbeat"),
            ("borrow", await CallAsync("borrow", new { licenseToken = token, machineId = "m1", borrowFor = new { seconds = 60, nanos = 0 } }, "n-borrow"), 200, "n-borrow"),
            ("request denied", await CallAsync("request", new { floating.UserKey, machineId = "m2" }, "n-denied"), 200, "n-denied"),
            ("release", await CallAsync("release", new { licenseToken = token, machineId = "m1" }, "n-release"), 200, "n-release"),
            ("activate", await CallAsync("activate", new { activation.UserKey, machineId = "a1" }, "n-activate"), 200, "n-activate"),
            ("validate", await CallAsync("validate", new { activation.UserKey, machineId = "a1" }, "n-validate"), 200, "n-validate"),
            ("info", await CallAsync("info", new { activation.UserKey, machineId = "a1" }, "n-info"), 200, "n-info"),
            ("deactivate", await CallAsync("deactivate", new { activation.UserKey, machineId = "a1" }, "n-deactivate"), 200, "n-deactivate"),
            ("trial", await CallAsync("trial", new { productId = "no-trial-" + Guid.NewGuid().ToString("N")[..8], machineId = "t1" }, "n-trial"), 200, "n-trial"),
            ("keys", await SendAsync(HttpMethod.Get, "v1/license/keys", null, null, "n-keys"), 200, "n-keys"),
        };
        var jwks = await JwksAsync();

        Assert.Equal(11, answers.Count);
        foreach (var (call, answer, status, nonce) in answers)
        {
            Assert.True(answer.Status == status, $"{call}: {answer.Status} {Encoding.UTF8.GetString(answer.Body)}");
            Assert.True(answer.Verifies(jwks), $"{call} does not verify:\n{answer.SignatureBase()}");
            Assert.Equal(["@status", "content-digest", "licensing-nonce"], answer.Components());
            Assert.Equal(nonce, answer.Headers["Licensing-Nonce"]);
            Assert.Equal(server.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), answer.Parameter("created"));
            Assert.Equal(jwks.GetProperty("keys")[0].GetProperty("kid").GetString(), answer.Parameter("keyid"));
        }
    }

    public static TheoryData<string, string, string?, string, int, string> ProblemAnswers => new()
    {
        { "POST", "v1/license/activate", "client", "{\"userKey\":\"\"}", 400, "validation_failed" },
        { "POST", "v1/license/heartbeat", "client", "{not json", 400, "malformed_json" },
        { "POST", "v1/license/validate", null, "{}", 401, "unauthorized" },
        { "POST", "v1/license/info", "client", "{\"userKey\":\"NO-SUCH-KEY-0000\",\"machineId\":\"m\"}", 404, "license_not_found" },
        { "GET", "v1/license/activate", "client", "", 405, "method_not_allowed" },
        { "POST", "v1/license/no-such-call", "client", "{}", 404, "not_found" },
        { "POST", "v1/license/request", "client", "{\"userKey\":\"" + new string('x', 70_000) + "\"}", 413, "payload_too_large" },
    };

    [Theory]
    [MemberData(nameof(ProblemAnswers))]
    public async Task Problem_answers_of_license_calls_are_signed_too(string method, string route, string? key, string body, int status, string code)
    {
        var answer = await SendAsync(new HttpMethod(method), route, body.Length == 0 ? null : body, key is null ? null : server.ClientKey, "problem-nonce");

        Assert.Equal(status, answer.Status);
        Assert.Equal(code, JsonDocument.Parse(answer.Body).RootElement.GetProperty("code").GetString());
        Assert.True(answer.Verifies(await JwksAsync()), answer.SignatureBase());
        Assert.Equal("problem-nonce", answer.Headers["Licensing-Nonce"]);
    }

    [Fact]
    public async Task An_unsupported_content_type_is_refused_with_a_signed_415()
    {
        using var response = await server.SendAsync(HttpMethod.Post, "v1/license/validate", "{}", server.ClientKey, "text/plain");
        var answer = await HttpMessageSignature.OfAsync(response);

        Assert.Equal(415, answer.Status);
        Assert.True(answer.Verifies(await JwksAsync()));
    }

    [Fact]
    public async Task Without_a_nonce_the_signature_covers_the_status_and_digest_only()
    {
        var license = await server.CreateLicenseAsync(mode: 1, seats: 1);

        var answer = await CallAsync("validate", new { license.UserKey, machineId = "m1" }, nonce: null);

        Assert.Equal(["@status", "content-digest"], answer.Components());
        Assert.False(answer.Headers.ContainsKey("Licensing-Nonce"));
        Assert.True(answer.Verifies(await JwksAsync()));
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("dot.ted")]
    [InlineData("")]
    [InlineData("a123456789b123456789c123456789d123456789e123456789f123456789g12345")]
    public async Task A_malformed_nonce_is_refused_with_a_signed_400_naming_the_header_and_nothing_happens(string nonce)
    {
        var license = await server.CreateLicenseAsync(mode: 2, seats: 1);

        var answer = await CallAsync("request", new { license.UserKey, machineId = "m1" }, nonce);
        var rows = await server.StoredRowsAsync(license.LicenseId);

        Assert.Equal(400, answer.Status);
        var problem = JsonDocument.Parse(answer.Body).RootElement;
        Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
        Assert.Equal("""["must be one value of 1 to 64 of A-Z, a-z, 0-9, '-' and '_'."]""", problem.GetProperty("errors").GetProperty("Licensing-Nonce").GetRawText());
        Assert.Equal(["@status", "content-digest"], answer.Components());
        Assert.True(answer.Verifies(await JwksAsync()));
        Assert.DoesNotContain(rows, r => r.RowKey.StartsWith("seat|", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_nonce_of_64_allowed_characters_is_accepted_and_echoed()
    {
        var license = await server.CreateLicenseAsync(mode: 1, seats: 1);
        var nonce = "Az09-_" + new string('q', 58);

        var answer = await CallAsync("validate", new { license.UserKey, machineId = "m1" }, nonce);

        Assert.Equal(200, answer.Status);
        Assert.Equal(nonce, answer.Headers["Licensing-Nonce"]);
    }

    [Fact]
    public async Task A_tampered_body_status_nonce_or_key_id_no_longer_verifies()
    {
        var license = await server.CreateLicenseAsync(mode: 2, seats: 1);
        var answer = await CallAsync("request", new { license.UserKey, machineId = "m1" }, "tamper-me");
        var jwks = await JwksAsync();
        var input = answer.Headers["Signature-Input"];
        var otherKid = Convert.ToBase64String(RandomNumberGenerator.GetBytes(12)).Replace('+', '-').Replace('/', '_');

        Assert.True(answer.Verifies(jwks));
        Assert.False(answer.WithBody(Encoding.UTF8.GetString(answer.Body).Replace("\"granted\":true", "\"granted\":false", StringComparison.Ordinal)).Verifies(jwks));
        Assert.False(answer.WithStatus(201).Verifies(jwks));
        Assert.False(answer.WithHeader("Licensing-Nonce", "another-nonce").Verifies(jwks));
        Assert.False(answer.WithHeader("Signature-Input", input.Replace(answer.Parameter("keyid"), otherKid, StringComparison.Ordinal)).Verifies(jwks));
    }

    [Fact]
    public async Task After_a_rotation_answers_are_signed_with_the_new_key_which_the_jwks_lists_first()
    {
        using var oldKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var newKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await using var rotated = await ServerFixture.StartAsync(s =>
        {
            s["Licensing:SigningKey"] = newKey.ExportPkcs8PrivateKeyPem();
            s["Licensing:PreviousSigningKey"] = oldKey.ExportSubjectPublicKeyInfoPem();
        });
        var license = await rotated.CreateLicenseAsync(mode: 1, seats: 1);

        using var response = await rotated.PostAsync("v1/license/validate", new { license.UserKey, machineId = "m1" });
        var answer = await HttpMessageSignature.OfAsync(response);
        var jwks = JsonDocument.Parse(await rotated.Http.GetStringAsync("v1/license/keys")).RootElement;

        Assert.Equal(2, jwks.GetProperty("keys").GetArrayLength());
        Assert.Equal(jwks.GetProperty("keys")[0].GetProperty("kid").GetString(), answer.Parameter("keyid"));
        Assert.True(answer.Verifies(jwks));
    }

    [Fact]
    public async Task Admin_answers_are_not_signed()
    {
        using var response = await server.SendAsync(HttpMethod.Get, "v1/admin/whoami", null, ServerFixture.AdminKey);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Signature"));
    }

    private async Task<HttpMessageSignature> CallAsync(string call, object body, string? nonce) =>
        await SendAsync(HttpMethod.Post, "v1/license/" + call, JsonSerializer.Serialize(body), server.ClientKey, nonce);

    private async Task<HttpMessageSignature> SendAsync(HttpMethod method, string route, string? body, string? apiKey, string? nonce)
    {
        using var request = new HttpRequestMessage(method, route);
        if (apiKey is not null)
        {
            request.Headers.Add("x-api-key", apiKey);
        }

        if (nonce is not null)
        {
            request.Headers.TryAddWithoutValidation("Licensing-Nonce", nonce);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await server.Http.SendAsync(request);
        return await HttpMessageSignature.OfAsync(response);
    }

    private async Task<JsonElement> JwksAsync() => JsonDocument.Parse(await server.Http.GetStringAsync("v1/license/keys")).RootElement;
}
