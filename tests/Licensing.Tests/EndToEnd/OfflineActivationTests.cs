using System.Net;
using System.Text.Json;
using Licensing.Tests.Support;

namespace Licensing.Tests.EndToEnd;

/// <summary>
/// Offline activation over real HTTP: a request carried from an air-gapped machine activates it as activate would and
/// answers a signed response; the same request answers the same response and takes no second seat; an old request or
/// a request id answered for another machine is refused; a deactivation proof frees the seat it answered, once.
/// </summary>
public sealed class OfflineActivationTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const int Activation = 1;
    private static readonly JsonSerializerOptions Unescaped = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly string[] Pro = ["pro"];
    private const string Invalid = """{"success":false,"response":null,"reason":"offline_request_invalid","message":"The offline request is older than 7 days or was answered for another machine, or the deactivation proof does not verify."}""";

    [Fact]
    public async Task A_request_activates_the_machine_and_answers_a_response_signed_with_a_key_of_the_jwks_holding_the_activation()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 2, extra: new { features = Pro });
        var requestId = OfflineWire.NewRequestId();
        var now = server.Clock.GetUtcNow();

        var answer = await ActivateAsync(OfflineWire.Request(license.UserKey, "lab-pc", requestId, now, clientName: "Lab PC"));
        var jwks = (await server.SendForJsonAsync(HttpMethod.Get, "v1/license/keys", null, null)).RootElement;
        var response = answer.GetProperty("response").GetString()!;
        var (header, payload) = OfflineWire.Read(response);
        var validate = (await server.CallAsync("v1/license/validate", new { userKey = license.UserKey, machineId = "lab-pc" })).RootElement;

        Assert.Equal(["success", "response"], answer.EnumerateObject().Select(p => p.Name));
        Assert.True(answer.GetProperty("success").GetBoolean());
        Assert.Equal("ES256", header.GetProperty("alg").GetString());
        Assert.Equal("offline-activation", header.GetProperty("typ").GetString());
        Assert.True(OfflineWire.Verifies(response, jwks));
        Assert.Equal(
            ["licenseId", "productId", "machineId", "requestId", "licenseToken", "tokenExpireAt", "licenseKey", "entitlements", "issuedAt", "deactivationSecret", "kind"],
            payload.EnumerateObject().Select(p => p.Name));
        Assert.Equal(license.LicenseId, payload.GetProperty("licenseId").GetString());
        Assert.Equal("default", payload.GetProperty("productId").GetString());
        Assert.Equal("lab-pc", payload.GetProperty("machineId").GetString());
        Assert.Equal(requestId, payload.GetProperty("requestId").GetString());
        Assert.Equal((now + TimeSpan.FromDays(30)).ToUnixTimeSeconds(), payload.GetProperty("tokenExpireAt").GetInt64());
        Assert.Equal(now.ToUnixTimeSeconds(), payload.GetProperty("issuedAt").GetInt64());
        Assert.Equal("""[{"code":"pro"}]""", payload.GetProperty("entitlements").GetRawText());
        Assert.Equal(43, payload.GetProperty("deactivationSecret").GetString()!.Length);
        Assert.Equal(3, payload.GetProperty("licenseKey").GetString()!.Split('.').Length);
        Assert.Equal(SeatTokens.TokenId(payload.GetProperty("licenseToken").GetString()!), SeatTokens.TokenId(validate.GetProperty("licenseToken").GetString()!));
        Assert.True(validate.GetProperty("success").GetBoolean());
        Assert.Equal(1, validate.GetProperty("activeClientCount").GetInt32());
    }

    [Fact]
    public async Task The_same_request_sent_again_answers_the_same_response_and_takes_no_second_seat()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 2);
        var request = OfflineWire.Request(license.UserKey, "lab-pc", OfflineWire.NewRequestId(), server.Clock.GetUtcNow());

        var first = await ActivateAsync(request);
        server.Clock.Advance(TimeSpan.FromHours(1));
        var again = await ActivateAsync(request);
        var events = await SeatEventsAsync(license);
        var info = (await server.CallAsync("v1/license/info", new { userKey = license.UserKey, machineId = "lab-pc" })).RootElement;

        Assert.Equal(first.GetRawText(), again.GetRawText());
        Assert.Equal(1, info.GetProperty("activeClientCount").GetInt32());
        Assert.Equal(["seat.activated"], events.Select(e => e.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task Every_concurrent_copy_of_one_request_answers_the_one_response_of_the_one_activation()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 5);
        var request = OfflineWire.Request(license.UserKey, "lab-pc", OfflineWire.NewRequestId(), server.Clock.GetUtcNow());

        var copies = Enumerable.Range(0, 8).Select(_ => ActivateAsync(request)).ToArray();
        var answers = await Task.WhenAll(copies);
        var events = await SeatEventsAsync(license);

        Assert.Equal(8, answers.Length);
        Assert.Single(answers.Select(a => a.GetRawText()).Distinct());
        Assert.True(answers[0].GetProperty("success").GetBoolean());
        Assert.Equal(["seat.activated"], events.Select(e => e.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task A_request_id_answered_for_one_machine_is_refused_for_another_which_gets_no_seat()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 2);
        var requestId = OfflineWire.NewRequestId();
        var now = server.Clock.GetUtcNow();
        await ActivateAsync(OfflineWire.Request(license.UserKey, "lab-pc", requestId, now));

        var other = await ActivateAsync(OfflineWire.Request(license.UserKey, "ship-pc", requestId, now));
        var validate = (await server.CallAsync("v1/license/validate", new { userKey = license.UserKey, machineId = "ship-pc" })).RootElement;

        Assert.Equal(Invalid, other.GetRawText());
        Assert.Equal("not_activated", validate.GetProperty("reason").GetString());
        Assert.Equal(1, validate.GetProperty("activeClientCount").GetInt32());
    }

    [Fact]
    public async Task Two_machines_racing_with_one_request_id_one_is_activated_and_the_other_refused()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 2);
        var requestId = OfflineWire.NewRequestId();
        var now = server.Clock.GetUtcNow();

        var lab = ActivateAsync(OfflineWire.Request(license.UserKey, "lab-pc", requestId, now));
        var ship = ActivateAsync(OfflineWire.Request(license.UserKey, "ship-pc", requestId, now));
        var answers = await Task.WhenAll(lab, ship);
        var info = (await server.CallAsync("v1/license/info", new { userKey = license.UserKey, machineId = "lab-pc" })).RootElement;

        Assert.Equal(2, answers.Length);
        Assert.Equal([false, true], answers.Select(a => a.GetProperty("success").GetBoolean()).Order());
        Assert.Equal(Invalid, answers.Single(a => !a.GetProperty("success").GetBoolean()).GetRawText());
        Assert.Equal(1, info.GetProperty("activeClientCount").GetInt32());
    }

    [Fact]
    public async Task A_request_older_than_seven_days_is_refused_and_stores_nothing_while_one_exactly_seven_days_old_is_answered()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 2);
        var now = server.Clock.GetUtcNow();
        var rowsBefore = (await server.StoredRowsAsync(license.LicenseId)).Count;

        var old = await ActivateAsync(OfflineWire.Request(license.UserKey, "old-pc", OfflineWire.NewRequestId(), now - TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1)));
        var rowsAfter = (await server.StoredRowsAsync(license.LicenseId)).Count;
        var sevenDays = await ActivateAsync(OfflineWire.Request(license.UserKey, "week-pc", OfflineWire.NewRequestId(), now - TimeSpan.FromDays(7)));

        Assert.Equal(Invalid, old.GetRawText());
        Assert.Equal(1, rowsBefore);
        Assert.Equal(1, rowsAfter);
        Assert.True(sevenDays.GetProperty("success").GetBoolean());
    }

    [Theory]
    [InlineData("seats", "seats_exhausted")]
    [InlineData("transfers", "transfer_limit_reached")]
    [InlineData("suspended", "license_suspended")]
    [InlineData("expired", "license_expired")]
    [InlineData("floating", "wrong_licensing_mode")]
    [InlineData("unknown", "license_not_found")]
    public async Task The_activation_obeys_activate_and_a_denial_answers_its_reason_without_a_response(string situation, string reason)
    {
        var license = situation switch
        {
            "transfers" => await server.CreateLicenseAsync(Activation, seats: 1, extra: new { maxTransfers = 1 }),
            "expired" => await server.CreateLicenseAsync(Activation, seats: 1, extra: new { expireAt = new { seconds = server.Clock.GetUtcNow().AddHours(1).ToUnixTimeSeconds(), nanos = 0 } }),
            "floating" => await server.CreateLicenseAsync(2, seats: 1),
            _ => await server.CreateLicenseAsync(Activation, seats: 1),
        };
        var userKey = situation == "unknown" ? "NO-SUCH-KEY" : license.UserKey;
        switch (situation)
        {
            case "seats":
                await server.CallAsync("v1/license/activate", new { userKey, machineId = "desk" });
                break;
            case "transfers":
                foreach (var machine in new[] { "desk", "laptop" })
                {
                    await server.CallAsync("v1/license/activate", new { userKey, machineId = machine });
                    await server.CallAsync("v1/license/deactivate", new { userKey, machineId = machine });
                }

                break;
            case "suspended":
                await server.SendForJsonAsync(HttpMethod.Patch, $"v1/admin/licenses/{license.LicenseId}", new { suspended = true }, ServerFixture.AdminKey);
                break;
            case "expired":
                server.Clock.Advance(TimeSpan.FromHours(2));
                break;
        }

        var answer = await ActivateAsync(OfflineWire.Request(userKey, "lab-pc", OfflineWire.NewRequestId(), server.Clock.GetUtcNow()));

        Assert.Equal(
            $$"""{"success":false,"response":null,"reason":"{{reason}}","message":{{JsonSerializer.Serialize(Licensing.Domain.Reasons.Message(reason), Unescaped)}}}""",
            answer.GetRawText());
    }

    [Fact]
    public async Task Overage_grace_and_entitlements_are_those_of_activate()
    {
        var expireAt = server.Clock.GetUtcNow().AddHours(1);
        var license = await server.CreateLicenseAsync(Activation, seats: 1, extra: new
        {
            overageSeats = 1,
            gracePeriod = new { seconds = 86_400, nanos = 0 },
            expireAt = new { seconds = expireAt.ToUnixTimeSeconds(), nanos = 0 },
        });
        await server.CallAsync("v1/license/activate", new { userKey = license.UserKey, machineId = "desk" });
        server.Clock.Advance(TimeSpan.FromHours(2));

        var answer = await ActivateAsync(OfflineWire.Request(license.UserKey, "lab-pc", OfflineWire.NewRequestId(), server.Clock.GetUtcNow()));
        var payload = OfflineWire.Read(answer.GetProperty("response").GetString()!).Payload;
        var activated = (await SeatEventsAsync(license))[0];

        Assert.Equal((expireAt + TimeSpan.FromDays(1)).ToUnixTimeSeconds(), payload.GetProperty("tokenExpireAt").GetInt64());
        Assert.True(activated.GetProperty("overage").GetBoolean());
        Assert.True(activated.GetProperty("offline").GetBoolean());
    }

    [Fact]
    public async Task A_product_bound_key_and_a_request_naming_a_product_see_only_that_products_licenses()
    {
        var pro = await server.CreateLicenseAsync(Activation, seats: 2, extra: new { productId = "offline-pro" });
        var basic = await server.CreateLicenseAsync(Activation, seats: 2, extra: new { productId = "offline-basic" });
        var proKey = (await server.AdminPostAsync("v1/admin/api-keys", new { name = "offline-pro-client", scope = "client", productId = "offline-pro" }))
            .RootElement.GetProperty("key").GetString()!;
        var now = server.Clock.GetUtcNow();

        var otherProduct = await ActivateAsync(OfflineWire.Request(basic.UserKey, "lab-pc", OfflineWire.NewRequestId(), now), proKey);
        var ownProduct = await ActivateAsync(OfflineWire.Request(pro.UserKey, "lab-pc", OfflineWire.NewRequestId(), now), proKey);
        var namedOther = await ActivateAsync(OfflineWire.Request(basic.UserKey, "lab-pc", OfflineWire.NewRequestId(), now, productId: "offline-pro"));

        Assert.Equal("license_not_found", otherProduct.GetProperty("reason").GetString());
        Assert.Equal("offline-pro", OfflineWire.Read(ownProduct.GetProperty("response").GetString()!).Payload.GetProperty("productId").GetString());
        Assert.Equal("license_not_found", namedOther.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task An_admin_key_activates_and_deactivates_offline_and_the_trail_records_both_as_offline_by_that_key()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 1);
        var answer = await ActivateAsync(OfflineWire.Request(license.UserKey, "lab-pc", OfflineWire.NewRequestId(), server.Clock.GetUtcNow()), ServerFixture.AdminKey);
        var proof = OfflineWire.Proof(answer.GetProperty("response").GetString()!, server.Clock.GetUtcNow());

        var freed = await DeactivateAsync(proof, ServerFixture.AdminKey);
        var events = await SeatEventsAsync(license);

        Assert.Equal($$"""{"success":true,"licenseId":"{{license.LicenseId}}","activeClientCount":0,"maxClientCount":1}""", freed.GetRawText());
        Assert.Equal(["seat.deactivated", "seat.activated"], events.Select(e => e.GetProperty("type").GetString()));
        Assert.All(events, e => Assert.True(e.GetProperty("offline").GetBoolean()));
        Assert.All(events, e => Assert.Equal("bootstrap-admin", e.GetProperty("actor").GetString()));
    }

    [Fact]
    public async Task A_proof_frees_the_seat_once_and_a_repeated_proof_is_a_no_op()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 1);
        var answer = await ActivateAsync(OfflineWire.Request(license.UserKey, "lab-pc", OfflineWire.NewRequestId(), server.Clock.GetUtcNow()));
        var proof = OfflineWire.Proof(answer.GetProperty("response").GetString()!, server.Clock.GetUtcNow());

        var freed = await DeactivateAsync(proof);
        var repeated = await DeactivateAsync(proof);
        var desk = (await server.CallAsync("v1/license/activate", new { userKey = license.UserKey, machineId = "desk" })).RootElement;
        var afterDesk = await DeactivateAsync(proof);

        var expectedFree = $$"""{"success":true,"licenseId":"{{license.LicenseId}}","activeClientCount":0,"maxClientCount":1}""";
        Assert.Equal(expectedFree, freed.GetRawText());
        Assert.Equal(expectedFree, repeated.GetRawText());
        Assert.True(desk.GetProperty("success").GetBoolean());
        Assert.Equal($$"""{"success":true,"licenseId":"{{license.LicenseId}}","activeClientCount":1,"maxClientCount":1}""", afterDesk.GetRawText());
        Assert.Equal(["seat.activated", "seat.deactivated", "seat.activated"], (await SeatEventsAsync(license)).Select(e => e.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task An_old_proof_never_frees_a_later_activation_of_the_same_machine()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 1);
        var first = await ActivateAsync(OfflineWire.Request(license.UserKey, "lab-pc", OfflineWire.NewRequestId(), server.Clock.GetUtcNow()));
        var proof = OfflineWire.Proof(first.GetProperty("response").GetString()!, server.Clock.GetUtcNow());
        await DeactivateAsync(proof);
        var second = await ActivateAsync(OfflineWire.Request(license.UserKey, "lab-pc", OfflineWire.NewRequestId(), server.Clock.GetUtcNow()));

        var replayed = await DeactivateAsync(proof);

        Assert.True(second.GetProperty("success").GetBoolean());
        Assert.Equal(1, replayed.GetProperty("activeClientCount").GetInt32());
    }

    [Theory]
    [InlineData("wrong secret")]
    [InlineData("another machine")]
    public async Task A_proof_that_does_not_verify_frees_nothing(string forgery)
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 1);
        var response = (await ActivateAsync(OfflineWire.Request(license.UserKey, "lab-pc", OfflineWire.NewRequestId(), server.Clock.GetUtcNow())))
            .GetProperty("response").GetString()!;
        var proof = forgery == "wrong secret"
            ? OfflineWire.Proof(response, server.Clock.GetUtcNow(), secret: "guessed")
            : OfflineWire.Proof(response, server.Clock.GetUtcNow(), machineId: "desk");

        var refused = await DeactivateAsync(proof);
        var validate = (await server.CallAsync("v1/license/validate", new { userKey = license.UserKey, machineId = "lab-pc" })).RootElement;

        Assert.Equal(
            """{"success":false,"reason":"offline_request_invalid","message":"The offline request is older than 7 days or was answered for another machine, or the deactivation proof does not verify."}""",
            refused.GetRawText());
        Assert.True(validate.GetProperty("success").GetBoolean());
    }

    [Fact]
    public async Task The_response_is_no_seat_token_and_a_seat_token_or_license_document_is_no_request()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 1);
        var response = (await ActivateAsync(OfflineWire.Request(license.UserKey, "lab-pc", OfflineWire.NewRequestId(), server.Clock.GetUtcNow())))
            .GetProperty("response").GetString()!;
        var jws = response["lsres1.".Length..];
        var payload = OfflineWire.Read(response).Payload;

        using var asToken = await server.PostAsync("v1/license/release", new { licenseToken = jws, machineId = "lab-pc" });
        using var asRequest = await server.PostAsync("v1/license/offline/activate", new { request = payload.GetProperty("licenseToken").GetString() });
        using var asProof = await server.PostAsync("v1/license/offline/deactivate", new { proof = response });
        using var asKey = await server.PostAsync("v1/license/info", new { userKey = license.UserKey, machineId = "lab-pc" }, apiKey: jws);

        Assert.Equal(HttpStatusCode.NotFound, asToken.StatusCode);
        Assert.Equal("invalid_token", (await ServerFixture.ReadJsonAsync(asToken)).RootElement.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, asRequest.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, asProof.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, asKey.StatusCode);
    }

    private async Task<JsonElement> ActivateAsync(string request, string? apiKey = null)
    {
        using var response = await server.PostAsync("v1/license/offline/activate", new { request }, apiKey);
        var json = await ServerFixture.ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, json.RootElement.GetRawText());
        return json.RootElement.Clone();
    }

    private async Task<JsonElement> DeactivateAsync(string proof, string? apiKey = null)
    {
        using var response = await server.PostAsync("v1/license/offline/deactivate", new { proof }, apiKey);
        var json = await ServerFixture.ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, json.RootElement.GetRawText());
        return json.RootElement.Clone();
    }

    /// <summary>The license's seat events, newest first.</summary>
    private async Task<List<JsonElement>> SeatEventsAsync(License license) =>
        (await server.SendForJsonAsync(HttpMethod.Get, $"v1/admin/licenses/{license.LicenseId}/events", null, ServerFixture.AdminKey))
            .RootElement.GetProperty("items").EnumerateArray().Where(e => e.GetProperty("type").GetString()!.StartsWith("seat.", StringComparison.Ordinal))
            .Select(e => e.Clone()).ToList();
}
