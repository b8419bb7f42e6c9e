using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Licensing.Http;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Tests.EndToEnd;

/// <summary>A test issuer over real HTTP and a server that takes its tokens on admin calls.</summary>
public sealed class BearerServerFixture : IAsyncLifetime
{
    public TestIssuer Issuer { get; private set; } = null!;

    public ServerFixture Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Issuer = await TestIssuer.StartAsync();
        Server = await ServerFixture.StartAsync(Issuer.Configure);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await Issuer.DisposeAsync();
    }
}

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

        using var created = await SendAsync(Server, HttpMethod.Post, "v1/admin/licenses", new { licensingMode = 2, maxClientCount = 3 }, token);
        var license = (await ServerFixture.ReadJsonAsync(created)).RootElement;
        var licenseId = license.GetProperty("licenseId").GetString()!;
        using var read = await SendAsync(Server, HttpMethod.Get, $"v1/admin/licenses/{licenseId}", null, token);

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

        using var response = await SendAsync(Server, HttpMethod.Post, "v1/admin/licenses", new { licensingMode = 2, maxClientCount = 1, userKey }, token);
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
            "HS256 with the public key as secret" => ForgedTokens.Hs256WithPublicKey(Issuer, Now),
            "garbage" => "garbage",
            _ => "eyJ.eyJ.sig",
        };

        using var response = await SendAsync(Server, HttpMethod.Post, "v1/admin/licenses", new { licensingMode = 2, maxClientCount = 1, userKey }, token);
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
        using var fresh = await SendAsync(Server, HttpMethod.Get, "v1/admin/api-keys", null, token);

        Server.Clock.Advance(TimeSpan.FromMinutes(11));
        using var withinSkew = await SendAsync(Server, HttpMethod.Get, "v1/admin/api-keys", null, token);
        Server.Clock.Advance(TimeSpan.FromMinutes(2));
        using var expired = await SendAsync(Server, HttpMethod.Get, "v1/admin/api-keys", null, token);

        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withinSkew.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
    }

    [Fact]
    public async Task Sending_both_an_api_key_and_a_bearer_token_is_401_even_when_both_are_valid()
    {
        using var response = await SendAsync(Server, HttpMethod.Get, "v1/admin/api-keys", null, Issuer.Mint(Now), apiKey: ServerFixture.AdminKey);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("unauthorized", (await ServerFixture.ReadJsonAsync(response)).RootElement.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Client_calls_take_no_bearer_token_and_ignore_the_authorization_header_beside_a_client_key()
    {
        var license = await Server.CreateLicenseAsync(mode: 2, seats: 1);
        var token = Issuer.Mint(Now);

        using var bearerOnly = await SendAsync(Server, HttpMethod.Post, "v1/license/request", new { license.UserKey, machineId = "m1" }, token);
        using var withClientKey = await SendAsync(Server, HttpMethod.Post, "v1/license/request", new { license.UserKey, machineId = "m1" }, token, apiKey: Server.ClientKey);

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

    /// <summary>Sends an admin or client call with a bearer token and, optionally, an API key beside it.</summary>
    internal static async Task<HttpResponseMessage> SendAsync(ServerFixture server, HttpMethod method, string route, object? body, string token, string? apiKey = null)
    {
        using var request = new HttpRequestMessage(method, route);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (apiKey is not null)
        {
            request.Headers.Add(ApiEndpoint.ApiKeyHeader, apiKey);
        }

        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        }

        return await server.Http.SendAsync(request);
    }
}

/// <summary>The SDK's admin client with a bearer token provider instead of an API key.</summary>
public sealed class AdminClientBearerTokenTests(BearerServerFixture fixture) : IClassFixture<BearerServerFixture>
{
    [Fact]
    public async Task The_admin_client_asks_its_token_provider_before_each_call_and_acts_as_admin()
    {
        var asked = 0;
        using var admin = new Licensing.Client.LicensingAdminClient(fixture.Server.Http.BaseAddress!, _ =>
        {
            Interlocked.Increment(ref asked);
            return Task.FromResult(fixture.Issuer.Mint(fixture.Server.Clock.GetUtcNow()));
        });

        var created = await admin.CreateLicenseAsync(new Licensing.Client.NewLicense { LicensingMode = Licensing.Client.LicensingMode.Floating, MaxClientCount = 2 });
        var read = await admin.GetLicenseAsync(created.LicenseId);

        Assert.Equal(2, read.MaxClientCount);
        Assert.Equal(2, asked);
        Assert.Equal(2, (await fixture.Server.StoredLicenseRowAsync(created.LicenseId))!.GetInt32("MaxClientCount"));
    }

    [Fact]
    public async Task A_token_without_the_role_is_an_unauthorized_licensing_exception_naming_the_bearer_token()
    {
        using var admin = new Licensing.Client.LicensingAdminClient(fixture.Server.Http.BaseAddress!,
            _ => Task.FromResult(fixture.Issuer.Mint(fixture.Server.Clock.GetUtcNow(), roles: ["Licensing.Reader"])));

        var failure = await Assert.ThrowsAsync<Licensing.Client.LicensingException>(() => admin.ListApiKeysAsync());

        Assert.Equal(Licensing.Client.LicensingErrorKind.Unauthorized, failure.Kind);
        Assert.Equal(403, failure.StatusCode);
        Assert.Contains("bearer token", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_with_both_an_api_key_and_a_token_provider_are_refused_at_once()
    {
        var options = new Licensing.Client.LicensingClientOptions
        {
            BaseAddress = fixture.Server.Http.BaseAddress,
            ApiKey = ServerFixture.AdminKey,
            BearerTokenProvider = _ => Task.FromResult("token"),
        };

        Assert.Throws<ArgumentException>(() => new Licensing.Client.LicensingAdminClient(fixture.Server.Http, options));
    }
}
