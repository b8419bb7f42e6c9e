using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Licensing.Tests.Support;

namespace Licensing.Tests.Portal;

/// <summary>
/// Wrong license keys on the portal's sign-in count against the caller's address exactly as wrong API keys do: one
/// budget for both, then 429 for keys the instance does not know without a storage read, while what it knows (a
/// session, a license it holds cached) is still served: one broken client behind a NAT locks nobody else out.
/// </summary>
public sealed class PortalThrottleTests
{
    private const string Office = "127.0.0.7";
    private const HttpStatusCode Unauthorized = HttpStatusCode.Unauthorized;
    private const HttpStatusCode Limited = HttpStatusCode.TooManyRequests;
    private const HttpStatusCode Ok = HttpStatusCode.OK;

    [Fact]
    public async Task Wrong_license_keys_and_wrong_api_keys_share_the_address_budget_and_then_only_what_the_instance_knows_is_served()
    {
        await using var server = await ServerFixture.StartAsync(s => s["Licensing:FailedKeyLimitPerAddress"] = "3");
        var known = await server.CreateLicenseAsync(mode: 1, seats: 1);
        var notCached = await server.CreateLicenseAsync(mode: 1, seats: 1);
        var session = await server.SignInAsync(known);
        server.Clock.Advance(TimeSpan.FromSeconds(10));
        using (await server.SendForJsonAsync(HttpMethod.Get, $"v1/admin/licenses/{known.LicenseId}", null, ServerFixture.AdminKey))
        {
        }

        var wrong = new List<HttpStatusCode>
        {
            (await SignInAsync(server, "WRONG-KEY-ONE-0000000000", Office)).Status,
            (await SendAsync(server, HttpMethod.Post, "v1/license/info", new { known.UserKey, machineId = "m1" }, apiKey: "lk_wrongwrona_" + new string('a', 32), bearer: null, Office)).Status,
            (await SignInAsync(server, "WRONG-KEY-TWO-0000000000", Office)).Status,
            (await SignInAsync(server, "WRONG-KEY-THREE-00000000", Office)).Status,
        };
        server.StorageRequests.Reset();
        var wrongWhileRefused = await SignInAsync(server, "WRONG-KEY-FOUR-000000000", Office);
        var storageForWrongKey = server.StorageRequests.Count;
        var cachedLicense = await SignInAsync(server, known.UserKey, Office);
        var uncachedLicense = await SignInAsync(server, notCached.UserKey, Office);
        var openSession = await SendAsync(server, HttpMethod.Get, "v1/portal/license", body: null, apiKey: null, bearer: session, Office);
        var otherAddress = await SignInAsync(server, notCached.UserKey, "127.0.0.8");
        server.Clock.Advance(TimeSpan.FromMinutes(1));
        var onTime = await SignInAsync(server, notCached.UserKey, Office);

        Assert.Equal([Unauthorized, Unauthorized, Unauthorized, Limited], wrong);
        Assert.Equal((Limited, "rate_limited"), wrongWhileRefused);
        Assert.Equal(0, storageForWrongKey);
        Assert.Equal((Ok, (string?)null), cachedLicense);
        Assert.Equal((Limited, "rate_limited"), uncachedLicense);
        Assert.Equal((Ok, (string?)null), openSession);
        Assert.Equal((Ok, (string?)null), otherAddress);
        Assert.Equal((Ok, (string?)null), onTime);
    }

    private static Task<(HttpStatusCode Status, string? Code)> SignInAsync(ServerFixture server, string userKey, string from) =>
        SendAsync(server, HttpMethod.Post, "v1/portal/session", new { userKey }, apiKey: null, bearer: null, from);

    /// <summary>A call whose connection leaves from the loopback address <paramref name="from"/>.</summary>
    private static async Task<(HttpStatusCode Status, string? Code)> SendAsync(
        ServerFixture server, HttpMethod method, string route, object? body, string? apiKey, string? bearer, string from)
    {
        using var request = new HttpRequestMessage(method, route);
        if (apiKey is not null)
        {
            request.Headers.Add("x-api-key", apiKey);
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        }

        using var client = LoopbackSource.Client(server.Http.BaseAddress!, from);
        using var response = await client.SendAsync(request);
        using var json = await ServerFixture.ReadJsonAsync(response);
        var code = response.IsSuccessStatusCode ? null : json.RootElement.GetProperty("code").GetString();
        return (response.StatusCode, code);
    }
}
