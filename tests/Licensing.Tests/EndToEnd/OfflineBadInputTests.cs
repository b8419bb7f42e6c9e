using System.Net;
using System.Text.Json;
using Licensing.Tests.Support;

namespace Licensing.Tests.EndToEnd;

/// <summary>
/// A malformed request or proof text is a 400 problem naming the field (the body's, or the one inside the text) and
/// stores nothing: no prefix, bad base64url, not JSON, a missing or over-long field, a time in the future.
/// </summary>
public sealed class OfflineBadInputTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const int Activation = 1;
    private static readonly JsonSerializerOptions Unescaped = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static TheoryData<string, string, string> MalformedRequests => new()
    {
        { "no prefix", "request", "must start with 'lsreq1.'." },
        { "bad base64url", "request", "must be 'lsreq1.' followed by base64url (no padding)." },
        { "padded base64", "request", "must be 'lsreq1.' followed by base64url (no padding)." },
        { "not json", "request", "must hold a JSON object." },
        { "a json array", "request", "must hold a JSON object." },
        { "no machineId", "request.machineId", "is required." },
        { "no userKey", "request.userKey", "is required." },
        { "no requestId", "request.requestId", "is required." },
        { "short requestId", "request.requestId", "must be 22 to 64 base64url characters (128 random bits or more)." },
        { "over-long machineId", "request.machineId", "must be at most 256 characters." },
        { "over-long userKey", "request.userKey", "must be at most 128 characters." },
        { "createdAt in the future", "request.createdAt", "is more than 5 minutes in the future." },
        { "createdAt as text", "request.createdAt", "must be a whole number." },
        { "version 2", "request.v", "must be between 1 and 1." },
        { "empty", "request", "is required." },
    };

    [Theory]
    [MemberData(nameof(MalformedRequests))]
    public async Task A_malformed_request_is_a_400_naming_the_field_and_stores_nothing(string malformation, string field, string message)
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 1);
        var now = server.Clock.GetUtcNow();
        var requestId = OfflineWire.NewRequestId();
        string Json(object body) => OfflineWire.Text("lsreq1.", JsonSerializer.Serialize(body));
        var request = malformation switch
        {
            "no prefix" => OfflineWire.Request(license.UserKey, "lab-pc", requestId, now)["lsreq1.".Length..],
            "bad base64url" => "lsreq1.not*base64",
            "padded base64" => "lsreq1.eyJ2IjoxfQ==",
            "not json" => OfflineWire.Text("lsreq1.", "{v:1"),
            "a json array" => OfflineWire.Text("lsreq1.", "[1]"),
            "no machineId" => Json(new { v = 1, userKey = license.UserKey, requestId, createdAt = now.ToUnixTimeSeconds() }),
            "no userKey" => Json(new { v = 1, machineId = "lab-pc", requestId, createdAt = now.ToUnixTimeSeconds() }),
            "no requestId" => Json(new { v = 1, userKey = license.UserKey, machineId = "lab-pc", createdAt = now.ToUnixTimeSeconds() }),
            "short requestId" => OfflineWire.Request(license.UserKey, "lab-pc", "abc", now),
            "over-long machineId" => OfflineWire.Request(license.UserKey, new string('m', 257), requestId, now),
            "over-long userKey" => OfflineWire.Request(new string('k', 129), "lab-pc", requestId, now),
            "createdAt in the future" => OfflineWire.Request(license.UserKey, "lab-pc", requestId, now + TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1)),
            "createdAt as text" => Json(new { v = 1, userKey = license.UserKey, machineId = "lab-pc", requestId, createdAt = "today" }),
            "version 2" => Json(new { v = 2, userKey = license.UserKey, machineId = "lab-pc", requestId, createdAt = now.ToUnixTimeSeconds() }),
            _ => "",
        };

        using var response = await server.PostAsync("v1/license/offline/activate", new { request });
        var problem = (await ServerFixture.ReadJsonAsync(response)).RootElement;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($$"""{"{{field}}":[{{JsonSerializer.Serialize(message, Unescaped)}}]}""", problem.GetProperty("errors").GetRawText());
        Assert.Single(await server.StoredRowsAsync(license.LicenseId));
    }

    [Fact]
    public async Task A_request_created_five_minutes_ahead_is_still_answered()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 1);
        var request = OfflineWire.Request(license.UserKey, "lab-pc", OfflineWire.NewRequestId(), server.Clock.GetUtcNow() + TimeSpan.FromMinutes(5));

        var answer = (await server.CallAsync("v1/license/offline/activate", new { request })).RootElement;

        Assert.True(answer.GetProperty("success").GetBoolean());
    }

    public static TheoryData<string, string, string> MalformedProofs => new()
    {
        { "no prefix", "proof", "must start with 'lsdea1.'." },
        { "not json", "proof", "must hold a JSON object." },
        { "no mac", "proof.mac", "is required." },
        { "mac not base64url", "proof.mac", "must be base64url (no padding)." },
        { "not a license id", "proof.licenseId", "is not a license id." },
        { "at in the future", "proof.at", "is more than 5 minutes in the future." },
    };

    [Theory]
    [MemberData(nameof(MalformedProofs))]
    public async Task A_malformed_proof_is_a_400_naming_the_field_and_frees_nothing(string malformation, string field, string message)
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 1);
        var now = server.Clock.GetUtcNow();
        var answer = (await server.CallAsync("v1/license/offline/activate", new { request = OfflineWire.Request(license.UserKey, "lab-pc", OfflineWire.NewRequestId(), now) })).RootElement;
        var good = OfflineWire.Proof(answer.GetProperty("response").GetString()!, now);
        var fields = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(Convert.FromBase64String(Pad(good["lsdea1.".Length..])))!;
        string With(string name, object? value)
        {
            var changed = fields.ToDictionary(f => f.Key, f => (object?)f.Value);
            if (value is null)
            {
                changed.Remove(name);
            }
            else
            {
                changed[name] = value;
            }

            return OfflineWire.Text("lsdea1.", JsonSerializer.Serialize(changed));
        }

        var proof = malformation switch
        {
            "no prefix" => good["lsdea1.".Length..],
            "not json" => OfflineWire.Text("lsdea1.", "nope"),
            "no mac" => With("mac", null),
            "mac not base64url" => With("mac", "+/+/"),
            "not a license id" => With("licenseId", "lic_nope"),
            _ => With("at", (now + TimeSpan.FromMinutes(6)).ToUnixTimeSeconds()),
        };

        using var response = await server.PostAsync("v1/license/offline/deactivate", new { proof });
        var problem = (await ServerFixture.ReadJsonAsync(response)).RootElement;
        var validate = (await server.CallAsync("v1/license/validate", new { userKey = license.UserKey, machineId = "lab-pc" })).RootElement;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal($$"""{"{{field}}":[{{JsonSerializer.Serialize(message, Unescaped)}}]}""", problem.GetProperty("errors").GetRawText());
        Assert.True(validate.GetProperty("success").GetBoolean());
    }

    private static string Pad(string base64Url)
    {
        var text = base64Url.Replace('-', '+').Replace('_', '/');
        return text + new string('=', (4 - (text.Length % 4)) % 4);
    }
}
