using System.Buffers.Text;
using System.Net;
using System.Text;
using System.Text.Json;
using Licensing.Tests.Support;

namespace Licensing.Tests.EndToEnd;

/// <summary>Entitlements with values and expiries: in the admin view, the signed document, every seat token and the answers.</summary>
public sealed class EntitlementTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const int Activation = 1;
    private const int Floating = 2;

    [Fact]
    public async Task A_license_created_with_entitlements_and_features_shows_every_code_and_each_value()
    {
        var expireAt = DateTimeOffset.FromUnixTimeSeconds(server.Clock.GetUtcNow().AddDays(10).ToUnixTimeSeconds());
        var license = await server.CreateLicenseAsync(Activation, seats: 2, extra: new
        {
            features = new List<string> { "sso", "pro" },
            entitlements = new object[]
            {
                new { code = "pro", value = true },
                new { code = "max-projects", value = 20 },
                new { code = "tier", value = "gold", expireAt = expireAt.ToString("O") },
            },
        });

        var view = (await server.SendForJsonAsync(HttpMethod.Get, $"v1/admin/licenses/{license.LicenseId}", null, ServerFixture.AdminKey)).RootElement;

        Assert.Equal(["pro", "max-projects", "tier", "sso"], view.GetProperty("features").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(
            $$$"""[{"code":"pro","value":true},{"code":"max-projects","value":20},{"code":"tier","value":"gold","expireAt":{"seconds":{{{expireAt.ToUnixTimeSeconds()}}},"nanos":0}},{"code":"sso"}]""",
            view.GetProperty("entitlements").GetRawText());
        Assert.Equal(JsonValueKind.Null, view.GetProperty("policyId").ValueKind);
    }

    [Fact]
    public async Task Activate_answers_the_entitlements_in_force_and_signs_them_into_the_document_and_the_token()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 2, extra: new
        {
            entitlements = new object[] { new { code = "pro" }, new { code = "max-projects", value = 20 } },
        });

        var activated = (await server.CallAsync("v1/license/activate", new { license.UserKey, machineId = "ent-m1" })).RootElement;

        const string expected = """[{"code":"pro"},{"code":"max-projects","value":20}]""";
        Assert.True(activated.GetProperty("success").GetBoolean(), activated.GetRawText());
        Assert.Equal(expected, activated.GetProperty("license").GetProperty("entitlements").GetRawText());
        var document = Payload(Encoding.ASCII.GetString(activated.GetProperty("license").GetProperty("licenseKey").EnumerateArray().Select(b => (byte)b.GetInt32()).ToArray()));
        Assert.Equal(expected, document.GetProperty("entitlements").GetRawText());
        Assert.Equal(["pro", "max-projects"], document.GetProperty("features").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(expected, Payload(activated.GetProperty("licenseToken").GetString()!).GetProperty("ent").GetRawText());
    }

    [Fact]
    public async Task An_expired_entitlement_is_absent_from_the_answer_the_document_and_the_token()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 2, extra: new
        {
            entitlements = new object[]
            {
                new { code = "beta", expireAt = server.Clock.GetUtcNow().AddHours(1).ToString("O") },
                new { code = "pro" },
            },
        });
        var before = (await server.CallAsync("v1/license/request", new { license.UserKey, machineId = "ent-m2" })).RootElement;

        server.Clock.Advance(TimeSpan.FromHours(2));
        var after = (await server.CallAsync("v1/license/request", new { license.UserKey, machineId = "ent-m3" })).RootElement;

        Assert.Equal(2, before.GetProperty("license").GetProperty("entitlements").GetArrayLength());
        Assert.Equal("""[{"code":"pro"}]""", after.GetProperty("license").GetProperty("entitlements").GetRawText());
        Assert.Equal("""[{"code":"pro"}]""", Payload(after.GetProperty("licenseToken").GetString()!).GetProperty("ent").GetRawText());
    }

    [Fact]
    public async Task A_patch_of_the_entitlements_reaches_the_next_token_a_client_gets()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 2, extra: new { entitlements = new object[] { new { code = "max-projects", value = 5 } } });
        var first = (await server.CallAsync("v1/license/activate", new { license.UserKey, machineId = "ent-m4" })).RootElement;

        await server.SendForJsonAsync(HttpMethod.Patch, $"v1/admin/licenses/{license.LicenseId}",
            new { entitlements = new object[] { new { code = "max-projects", value = 50 } } }, ServerFixture.AdminKey);
        var validated = (await server.CallAsync("v1/license/validate", new { license.UserKey, machineId = "ent-m4" })).RootElement;

        Assert.Equal("""[{"code":"max-projects","value":5}]""", Payload(first.GetProperty("licenseToken").GetString()!).GetProperty("ent").GetRawText());
        Assert.Equal("""[{"code":"max-projects","value":50}]""", Payload(validated.GetProperty("licenseToken").GetString()!).GetProperty("ent").GetRawText());
        Assert.Equal("""[{"code":"max-projects","value":50}]""", validated.GetProperty("license").GetProperty("entitlements").GetRawText());
    }

    [Fact]
    public async Task A_features_only_patch_keeps_the_value_of_a_code_it_names_again()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 1, extra: new { entitlements = new object[] { new { code = "seats-per-team", value = 3 }, new { code = "old" } } });

        var patched = (await server.SendForJsonAsync(HttpMethod.Patch, $"v1/admin/licenses/{license.LicenseId}",
            new { features = new List<string> { "seats-per-team", "new" } }, ServerFixture.AdminKey)).RootElement;

        Assert.Equal("""[{"code":"seats-per-team","value":3},{"code":"new"}]""", patched.GetProperty("entitlements").GetRawText());
    }

    [Fact]
    public async Task Each_wrong_part_of_an_entitlement_is_an_error_of_its_own_field()
    {
        using var response = await server.SendAsync(HttpMethod.Post, "v1/admin/licenses", new
        {
            licensingMode = Activation,
            maxClientCount = 1,
            entitlements = new object[]
            {
                new { code = "Pro!" },
                new { code = "ok", value = new { nested = 1 } },
                new { code = "ok2", expireAt = "soon" },
                new { code = "ok3", colour = "red" },
                new { code = "dup" },
                new { code = "dup" },
            },
        }, ServerFixture.AdminKey);
        var errors = (await ServerFixture.ReadJsonAsync(response)).RootElement.GetProperty("errors");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(
            ["entitlements[0].code", "entitlements[1].value", "entitlements[2].expireAt", "entitlements[3].colour", "entitlements[5].code"],
            errors.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.Equal("must be 1 to 64 of a-z, 0-9, '.', '_' and '-'.", errors.GetProperty("entitlements[0].code")[0].GetString());
        Assert.Equal("must be a string, a number or true/false.", errors.GetProperty("entitlements[1].value")[0].GetString());
        Assert.Equal("'dup' appears more than once.", errors.GetProperty("entitlements[5].code")[0].GetString());
    }

    [Fact]
    public async Task More_than_a_hundred_entitlements_are_refused()
    {
        using var response = await server.SendAsync(HttpMethod.Post, "v1/admin/licenses", new
        {
            licensingMode = Activation,
            maxClientCount = 1,
            entitlements = Enumerable.Range(0, 101).Select(i => new { code = $"e{i}" }).ToArray(),
        }, ServerFixture.AdminKey);
        var errors = (await ServerFixture.ReadJsonAsync(response)).RootElement.GetProperty("errors");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["must be an array of at most 100 objects {code, value?, expireAt?}."], errors.GetProperty("entitlements").EnumerateArray().Select(e => e.GetString()));
    }

    private static JsonElement Payload(string compactJws) =>
        JsonDocument.Parse(Base64Url.DecodeFromChars(compactJws.Split('.')[1])).RootElement;
}
