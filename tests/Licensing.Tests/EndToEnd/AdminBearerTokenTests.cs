using System.Net;
using System.Text.Json;
using Licensing.Auth;
using Licensing.Http;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Tests.EndToEnd;

/// <summary>
/// Admin calls with <c>Authorization: Bearer</c> tokens from the configured OpenID Connect issuer: the role makes an
/// admin, anything short of a valid token is a 401 (never a 500), an unreachable issuer a 503.
/// </summary>
public sealed class AdminBearerTokenTests(BearerServerFixture fixture) : IClassFixture<BearerServerFixture>
{
    private ServerFixture Server => fixture.Server;

    private TestIssuer Issuer => fixture.Issuer;

    private DateTimeOffset Now => Server.Clock.GetUtcNow();

    [Fact]
    public async Task A_token_with_the_role_creates_and_reads_a_license_as_admin()
    {
        var token = Issuer.Mint(Now);

        using var created = await Server.SendWithBearerAsync(HttpMethod.Post, "v1/admin/licenses", new { licensingMode = 2, maxClientCount = 3 }, token);
        var license = (await ServerFixture.ReadJsonAsync(created)).RootElement;
        var licenseId = license.GetProperty("licenseId").GetString()!;
        using var read = await Server.SendWithBearerAsync(HttpMethod.Get, $"v1/admin/licenses/{licenseId}", null, token);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(3, (await ServerFixture.ReadJsonAsync(read)).RootElement.GetProperty("maxClientCount").GetInt32());
        Assert.Equal(3, (await Server.StoredLicenseRowAsync(licenseId))!.GetInt32("MaxClientCount"));
    }

    [Fact]
    public async Task A_valid_token_without_the_role_is_403_and_creates_nothing()
    {
        var userKey = "NOROLE-" + Guid.NewGuid().ToString("N");
        var token = Issuer.Mint(Now, roles: ["Licensing.Reader", "Something.Else"]);

        using var response = await Server.SendWithBearerAsync(HttpMethod.Post, "v1/admin/licenses", new { licensingMode = 2, maxClientCount = 1, userKey }, token);
        var problem = (await ServerFixture.ReadJsonAsync(response)).RootElement;

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("forbidden", problem.GetProperty("code").GetString());
        Assert.Contains("insufficient_scope", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        using var all = await Server.SendForJsonAsync(HttpMethod.Get, "v1/admin/licenses?pageSize=500", null, ServerFixture.AdminKey);
        Assert.DoesNotContain(all.RootElement.GetProperty("items").EnumerateArray(), l => l.GetProperty("userKey").GetString() == userKey);
    }

    [Theory]
    [InlineData("wrong audience")]
    [InlineData("wrong issuer")]
    [InlineData("expired")]
    [InlineData("signed by a key the issuer never published")]
    [InlineData("alg none")]
    [InlineData("HS256 with the public key as secret")]
    [InlineData("an ID token with the audience and the role")]
    [InlineData("garbage")]
    [InlineData("three dots of garbage")]
    public async Task A_token_that_is_not_valid_is_401_with_a_bearer_challenge_and_changes_nothing(string kind)
    {
        var userKey = "REFUSED-" + Guid.NewGuid().ToString("N");
        var token = kind switch
        {
            "wrong audience" => Issuer.Mint(Now, audience: "api://another-api"),
            "wrong issuer" => Issuer.Mint(Now, issuer: "https://issuer.invalid/tenant-under-test/v2.0"),
            "expired" => Issuer.Mint(Now, lifetime: TimeSpan.FromMinutes(-10)),
            "signed by a key the issuer never published" => Issuer.Mint(Now, signedWith: Issuer.StrangerKey()),
            "alg none" => Issuer.MintUnsigned(Now),
            "HS256 with the public key as secret" => Issuer.MintHs256WithPublicKeyAsSecret(Now),
            "an ID token with the audience and the role" => Issuer.Mint(Now, idToken: true),
            "garbage" => "garbage",
            _ => "eyJ.eyJ.sig",
        };

        using var response = await Server.SendWithBearerAsync(HttpMethod.Post, "v1/admin/licenses", new { licensingMode = 2, maxClientCount = 1, userKey }, token);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("unauthorized", JsonDocument.Parse(body).RootElement.GetProperty("code").GetString());
        Assert.Equal("Bearer error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString());
        Assert.DoesNotContain(token, body, StringComparison.Ordinal);
        using var all = await Server.SendForJsonAsync(HttpMethod.Get, "v1/admin/licenses?pageSize=500", null, ServerFixture.AdminKey);
        Assert.DoesNotContain(all.RootElement.GetProperty("items").EnumerateArray(), l => l.GetProperty("userKey").GetString() == userKey);
    }

    [Fact]
    public async Task A_token_expires_on_the_servers_clock_with_two_minutes_of_skew()
    {
        var token = Issuer.Mint(Now, lifetime: TimeSpan.FromMinutes(10));
        using var fresh = await Server.SendWithBearerAsync(HttpMethod.Get, "v1/admin/api-keys", null, token);

        Server.Clock.Advance(TimeSpan.FromMinutes(11));
        using var withinSkew = await Server.SendWithBearerAsync(HttpMethod.Get, "v1/admin/api-keys", null, token);
        Server.Clock.Advance(TimeSpan.FromMinutes(2));
        using var expired = await Server.SendWithBearerAsync(HttpMethod.Get, "v1/admin/api-keys", null, token);

        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withinSkew.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
    }

    [Fact]
    public async Task Sending_both_an_api_key_and_a_bearer_token_is_401_even_when_both_are_valid()
    {
        using var response = await Server.SendWithBearerAsync(HttpMethod.Get, "v1/admin/api-keys", null, Issuer.Mint(Now), apiKey: ServerFixture.AdminKey);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("unauthorized", (await ServerFixture.ReadJsonAsync(response)).RootElement.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Client_calls_take_no_bearer_token_and_ignore_the_authorization_header_beside_a_client_key()
    {
        var license = await Server.CreateLicenseAsync(mode: 2, seats: 1);
        var token = Issuer.Mint(Now);

        using var bearerOnly = await Server.SendWithBearerAsync(HttpMethod.Post, "v1/license/request", new { license.UserKey, machineId = "m1" }, token);
        using var withClientKey = await Server.SendWithBearerAsync(HttpMethod.Post, "v1/license/request", new { license.UserKey, machineId = "m1" }, token, apiKey: Server.ClientKey);

        Assert.Equal(HttpStatusCode.Unauthorized, bearerOnly.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withClientKey.StatusCode);
        Assert.Equal(1, (await Server.StoredLicenseRowAsync(license.LicenseId))!.GetInt32("LiveSeats"));
    }

    [Fact]
    public async Task Admin_calls_still_take_an_admin_key_and_a_missing_credential_gets_a_bearer_challenge()
    {
        using var withKey = await Server.SendAsync(HttpMethod.Get, "v1/admin/api-keys", null, ServerFixture.AdminKey);
        using var without = await Server.SendAsync(HttpMethod.Get, "v1/admin/api-keys", null, apiKey: null);

        Assert.Equal(HttpStatusCode.OK, withKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, without.StatusCode);
        Assert.Equal("Bearer", without.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task The_caller_a_token_names_is_oidc_and_its_oid_else_its_sub_with_admin_scope_and_no_product()
    {
        var tokens = Server.Services.GetRequiredService<AdminTokens>();

        var byOid = await tokens.AuthenticateAsync(Issuer.Mint(Now, oid: "9f0c7e1a-oid"), "127.0.0.1", CancellationToken.None);
        var bySub = await tokens.AuthenticateAsync(Issuer.Mint(Now, oid: null, sub: "a-service-principal"), "127.0.0.1", CancellationToken.None);

        Assert.Equal(AdminTokenVerdict.Admin, byOid.Verdict);
        Assert.Equal(new Caller("oidc:9f0c7e1a-oid", ApiScopes.Admin, null, "127.0.0.1"), byOid.Caller);
        Assert.Equal("oidc:a-service-principal", bySub.Caller!.KeyId);
    }
}
