using System.Net;
using System.Text.Json;
using Licensing.Tests.Support;

namespace Licensing.Tests.EndToEnd;

/// <summary>
/// The caller's address is the connection's: a client's X-Forwarded-For is dropped by the host (as the Functions host
/// drops it) and never read by the app, so forging it neither dodges the wrong-key throttle nor shows in the trail.
/// </summary>
public sealed class CallerAddressTests
{
    private const string WrongKey = "lk_wrongwrong_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

    [Fact]
    public async Task Forty_five_wrong_keys_each_with_a_fresh_forged_forwarded_address_are_throttled_after_thirty()
    {
        await using var server = await ServerFixture.StartAsync(s => s["Licensing:FailedKeyLimitPerAddress"] = "30");
        var license = await server.CreateLicenseAsync(mode: 2, seats: 1);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 45; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/license/request")
            {
                Content = System.Net.Http.Json.JsonContent.Create(new { license.UserKey, machineId = "m1" }),
            };
            request.Headers.Add("x-api-key", WrongKey);
            request.Headers.Add("X-Forwarded-For", $"198.51.100.{i + 1}");
            using var response = await server.Http.SendAsync(request);
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(45, statuses.Count);
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, 30), statuses.Take(30));
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.TooManyRequests, 15), statuses.Skip(30));
    }

    [Fact]
    public async Task Whoami_shows_the_connection_address_and_no_forwarding_header_a_client_sent()
    {
        await using var server = await ServerFixture.StartAsync(_ => { });
        using var client = LoopbackSource.Client(server.Http.BaseAddress!, "127.0.0.9");
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/admin/whoami");
        request.Headers.Add("x-api-key", ServerFixture.AdminKey);
        request.Headers.Add("X-Forwarded-For", "203.0.113.50");
        request.Headers.Add("Forwarded", "for=203.0.113.50");

        using var response = await client.SendAsync(request);
        var body = (await ServerFixture.ReadJsonAsync(response)).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(
            """{"keyId":"bootstrap-admin","scope":"admin","productId":null,"clientAddr":"127.0.0.9","trustedProxyCount":0,"forwardingHeaders":{}}""",
            body.GetRawText());
    }

    [Fact]
    public async Task Whoami_needs_an_admin_key()
    {
        await using var server = await ServerFixture.StartAsync(_ => { });

        using var response = await server.SendAsync(HttpMethod.Get, "v1/admin/whoami", null, server.ClientKey);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("forbidden", (await ServerFixture.ReadJsonAsync(response)).RootElement.GetProperty("code").GetString());
    }
}
