using System.Net;
using Licensing.Tests.Support;

namespace Licensing.Tests.Portal;

/// <summary>
/// Portal sessions: the license key signs its owner in to one license for one hour (recorded with the address); a wrong
/// key says no more than that; no other credential is a session and a session is no other credential.
/// </summary>
public sealed class PortalSessionTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const int Activation = 1;
    private const int Floating = 2;

    [Fact]
    public async Task A_license_key_signs_in_to_a_one_hour_session_of_its_license_recorded_with_the_address()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 2);
        var now = server.Clock.GetUtcNow().ToUnixTimeSeconds();

        using var response = await server.SendAsync(HttpMethod.Post, "v1/portal/session", new { license.UserKey }, apiKey: null);
        var body = (await ServerFixture.ReadJsonAsync(response)).RootElement;
        var (header, claims) = PortalCalls.ReadJws(body.GetProperty("sessionToken").GetString()!);
        var signedIn = (await server.StoredEventsAsync(license.LicenseId)).First();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(license.LicenseId, body.GetProperty("licenseId").GetString());
        Assert.Equal($$"""{"seconds":{{now + 3600}},"nanos":0}""", body.GetProperty("expiresAt").GetRawText());
        Assert.Equal(("ES256", "portal-session+jwt"), (header.GetProperty("alg").GetString(), header.GetProperty("typ").GetString()));
        Assert.Equal((license.LicenseId, "portal-session", now + 3600), (claims.GetProperty("lid").GetString(), claims.GetProperty("kind").GetString(), claims.GetProperty("exp").GetInt64()));
        Assert.Equal(("portal.signed_in", "customer", "127.0.0.1"), (signedIn.GetString("Type"), signedIn.GetString("Actor"), signedIn.GetString("ClientAddr")));
    }

    [Fact]
    public async Task An_unknown_license_key_is_a_401_that_says_no_more_than_that()
    {
        using var response = await server.SendAsync(HttpMethod.Post, "v1/portal/session", new { userKey = "NOKEY-" + Guid.NewGuid().ToString("N") }, apiKey: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(
            """{"type":"https://httpstatuses.io/401","title":"Wrong license key.","status":401,"detail":"This license key is not accepted.","code":"unauthorized"}""",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_session_ends_an_hour_after_sign_in_on_the_servers_clock()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 1);
        var session = await server.SignInAsync(license);

        server.Clock.Advance(TimeSpan.FromHours(1) - TimeSpan.FromSeconds(1));
        var (lastSecond, _) = await server.PortalAsync(HttpMethod.Get, "v1/portal/license", session);
        server.Clock.Advance(TimeSpan.FromSeconds(1));
        var (atTheHour, problem) = await server.PortalAsync(HttpMethod.Get, "v1/portal/license", session);

        Assert.Equal(HttpStatusCode.OK, lastSecond);
        Assert.Equal(HttpStatusCode.Unauthorized, atTheHour);
        Assert.Equal(
            """{"type":"https://httpstatuses.io/401","title":"The portal session has ended.","status":401,"detail":"A portal session lasts one hour: sign in again with the license key.","code":"session_expired"}""",
            problem.GetRawText());
    }

    [Fact]
    public async Task Every_other_credential_in_place_of_a_session_is_a_401_never_a_500()
    {
        var activation = await server.CreateLicenseAsync(Activation, seats: 3);
        var floating = await server.CreateLicenseAsync(Floating, seats: 1);
        var activated = (await server.CallAsync("v1/license/activate", new { activation.UserKey, machineId = "m1" })).RootElement;
        var lease = (await server.CallAsync("v1/license/request", new { floating.UserKey, machineId = "m1" })).RootElement;
        var offline = (await server.CallAsync("v1/license/offline/activate", new
        {
            request = OfflineWire.Request(activation.UserKey, "air-1", OfflineWire.NewRequestId(), server.Clock.GetUtcNow()),
        })).RootElement.GetProperty("response").GetString()!;
        var document = new string(activated.GetProperty("license").GetProperty("licenseKey").EnumerateArray().Select(b => (char)b.GetByte()).ToArray());
        var session = await server.SignInAsync(activation);
        string[] impostors =
        [
            server.ClientKey, ServerFixture.AdminKey, activated.GetProperty("licenseToken").GetString()!, lease.GetProperty("licenseToken").GetString()!,
            document, offline, offline["lsres1.".Length..], activation.UserKey, session + "x",
        ];

        var asSession = new List<HttpStatusCode>();
        foreach (var impostor in impostors)
        {
            using var response = await server.SendWithBearerAsync(HttpMethod.Get, "v1/portal/license", impostor);
            asSession.Add(response.StatusCode);
        }

        using var keyAlone = await server.SendWithBearerAsync(HttpMethod.Get, "v1/portal/license", bearer: null, apiKey: server.ClientKey);
        using var keyBeside = await server.SendWithBearerAsync(HttpMethod.Get, "v1/portal/license", session, apiKey: server.ClientKey);
        using var asClientKey = await server.SendAsync(HttpMethod.Post, "v1/license/info", new { activation.UserKey, machineId = "m1" }, session);
        using var asAdminKey = await server.SendAsync(HttpMethod.Get, $"v1/admin/licenses/{activation.LicenseId}", null, session);
        using var asAdminBearer = await server.SendWithBearerAsync(HttpMethod.Get, $"v1/admin/licenses/{activation.LicenseId}", session);
        var asLeaseOnHeartbeat = (await server.CallAsync("v1/license/heartbeat", new { licenseToken = session, machineId = "m1" })).RootElement;
        using var asLeaseOnRelease = await server.PostAsync("v1/license/release", new { licenseToken = session, machineId = "m1" });
        using var asRevokedToken = await server.SendAsync(
            HttpMethod.Post, $"v1/admin/licenses/{activation.LicenseId}/tokens/revoke", new { licenseToken = session }, ServerFixture.AdminKey);

        Assert.Equal(impostors.Length, asSession.Count);
        Assert.All(asSession, status => Assert.Equal(HttpStatusCode.Unauthorized, status));
        Assert.Equal(
            [HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized],
            new[] { keyAlone.StatusCode, keyBeside.StatusCode, asClientKey.StatusCode, asAdminKey.StatusCode, asAdminBearer.StatusCode });
        Assert.Equal(("invalid_token", false), (asLeaseOnHeartbeat.GetProperty("reason").GetString(), asLeaseOnHeartbeat.GetProperty("active").GetBoolean()));
        Assert.Equal((HttpStatusCode.NotFound, "invalid_token"), (asLeaseOnRelease.StatusCode, (await ServerFixture.ReadJsonAsync(asLeaseOnRelease)).RootElement.GetProperty("code").GetString()));
        Assert.Equal((HttpStatusCode.NotFound, "invalid_token"), (asRevokedToken.StatusCode, (await ServerFixture.ReadJsonAsync(asRevokedToken)).RootElement.GetProperty("code").GetString()));
        Assert.Equal(2, (await server.StoredLicenseRowAsync(activation.LicenseId))!.GetInt32("LiveSeats"));
    }

    [Fact]
    public async Task With_portal_false_on_the_license_or_its_policy_the_sign_in_and_an_open_session_are_refused_with_403()
    {
        var product = "portal-" + Guid.NewGuid().ToString("N")[..8];
        using var policy = await server.AdminPostAsync("v1/admin/policies", new { name = "Closed", productId = product, licensingMode = 1, maxClientCount = 2, portal = false });
        var policyId = policy.RootElement.GetProperty("policyId").GetString();
        var off = await server.CreateLicenseAsync(Activation, seats: 1, extra: new { portal = false });
        var fromPolicy = await CreateFromPolicyAsync(policyId!, portal: null);
        var overridden = await CreateFromPolicyAsync(policyId!, portal: true);
        var open = await server.CreateLicenseAsync(Activation, seats: 1);
        var session = await server.SignInAsync(open);

        using var offAnswer = await server.SendAsync(HttpMethod.Post, "v1/portal/session", new { off.UserKey }, apiKey: null);
        using var fromPolicyAnswer = await server.SendAsync(HttpMethod.Post, "v1/portal/session", new { fromPolicy.UserKey }, apiKey: null);
        using var overriddenAnswer = await server.SendAsync(HttpMethod.Post, "v1/portal/session", new { overridden.UserKey }, apiKey: null);
        using var patched = await server.SendForJsonAsync(HttpMethod.Patch, $"v1/admin/licenses/{open.LicenseId}", new { portal = false }, ServerFixture.AdminKey);
        var (afterPatch, afterPatchProblem) = await server.PortalAsync(HttpMethod.Get, "v1/portal/license", session);

        Assert.Equal(HttpStatusCode.Forbidden, offAnswer.StatusCode);
        Assert.Equal(
            """{"type":"https://httpstatuses.io/403","title":"The portal is off for this license.","status":403,"detail":"The license's vendor has turned the customer portal off for it; ask the vendor for help.","code":"portal_disabled"}""",
            await offAnswer.Content.ReadAsStringAsync());
        Assert.False(policy.RootElement.GetProperty("portal").GetBoolean());
        Assert.Equal(HttpStatusCode.Forbidden, fromPolicyAnswer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, overriddenAnswer.StatusCode);
        Assert.False(patched.RootElement.GetProperty("portal").GetBoolean());
        Assert.Equal((HttpStatusCode.Forbidden, "portal_disabled"), (afterPatch, afterPatchProblem.GetProperty("code").GetString()));
    }

    private async Task<License> CreateFromPolicyAsync(string policyId, bool? portal)
    {
        using var created = portal is { } on
            ? await server.AdminPostAsync("v1/admin/licenses", new { policyId, portal = on })
            : await server.AdminPostAsync("v1/admin/licenses", new { policyId });
        return new License(created.RootElement.GetProperty("licenseId").GetString()!, created.RootElement.GetProperty("userKey").GetString()!);
    }
}
