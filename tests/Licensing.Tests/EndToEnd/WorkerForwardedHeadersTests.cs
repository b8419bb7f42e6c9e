using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Licensing.Tests.Support;

namespace Licensing.Tests.EndToEnd;

/// <summary>
/// The caller's address under the worker's forwarded-headers handling, with X-Forwarded-For as the Functions host hands it
/// over: first what the client wrote itself (forged), then the client's address as the first trusted proxy saw it, then
/// one entry per trusted proxy (the last written by the host). The app believes exactly Licensing:TrustedProxyCount
/// proxies plus the host, so the caller is the client whatever it wrote; its address is what the trail shows and what
/// the throttles count.
/// </summary>
public sealed class WorkerForwardedHeadersTests
{
    private const string Client = "192.0.2.10";
    private const string WrongKey = "lk_wrongwrong_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Whoami_shows_the_client_the_trusted_proxies_saw_and_leaves_the_forged_entries_unbelieved(int trustedProxies)
    {
        await using var server = await StartAsync(trustedProxies, failedKeyLimit: 100000);
        using var http = server.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/admin/whoami");
        request.Headers.Add("x-api-key", ServerFixture.AdminKey);
        request.Headers.Add("X-Forwarded-For", ForwardedFor(Client, trustedProxies, "203.0.113.66", "198.51.100.77"));

        using var response = await http.SendAsync(request);
        var body = (await ServerFixture.ReadJsonAsync(response)).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Client, body.GetProperty("clientAddr").GetString());
        Assert.Equal(trustedProxies, body.GetProperty("trustedProxyCount").GetInt32());
        var headers = body.GetProperty("forwardingHeaders");
        Assert.Equal(["X-Forwarded-For", "X-Original-For"], headers.EnumerateObject().Select(h => h.Name));
        // What the worker did not believe stays in X-Forwarded-For; the connection it came on is kept in X-Original-For.
        Assert.Equal("203.0.113.66,198.51.100.77", headers.GetProperty("X-Forwarded-For").GetString());
        Assert.StartsWith("127.0.0.1:", headers.GetProperty("X-Original-For").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Forty_five_wrong_keys_from_one_client_each_with_fresh_forged_entries_are_throttled_after_thirty(int trustedProxies)
    {
        await using var server = await StartAsync(trustedProxies, failedKeyLimit: 30);
        using var http = server.Client();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 45; i++)
        {
            statuses.Add(await WrongKeyAsync(http, ForwardedFor(Client, trustedProxies, $"198.51.100.{i + 1}")));
        }

        Assert.Equal(45, statuses.Count);
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, 30), statuses.Take(30));
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.TooManyRequests, 15), statuses.Skip(30));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Two_clients_writing_the_same_forged_entries_each_keep_their_own_wrong_key_budget(int trustedProxies)
    {
        await using var server = await StartAsync(trustedProxies, failedKeyLimit: 30);
        using var http = server.Client();

        var first = new List<HttpStatusCode>();
        for (var i = 0; i < 31; i++)
        {
            first.Add(await WrongKeyAsync(http, ForwardedFor(Client, trustedProxies, "203.0.113.66")));
        }

        var other = await WrongKeyAsync(http, ForwardedFor("192.0.2.20", trustedProxies, "203.0.113.66"));

        Assert.Equal(31, first.Count);
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, 30).Append(HttpStatusCode.TooManyRequests), first);
        Assert.Equal(HttpStatusCode.Unauthorized, other);
    }

    private static Task<WorkerPipelineServer> StartAsync(int trustedProxies, int failedKeyLimit) =>
        WorkerPipelineServer.StartAsync(s =>
        {
            s["Licensing:TrustedProxyCount"] = trustedProxies.ToString(CultureInfo.InvariantCulture);
            s["Licensing:FailedKeyLimitPerAddress"] = failedKeyLimit.ToString(CultureInfo.InvariantCulture);
        });

    /// <summary>
    /// X-Forwarded-For as it reaches the worker: the client's own entries, the client as the first proxy saw it, and each
    /// trusted proxy as the next hop saw it (the last by the Functions host). With no proxy the host saw the client.
    /// </summary>
    private static string ForwardedFor(string client, int trustedProxies, params string[] forged) =>
        string.Join(", ", forged.Append(client).Concat(Enumerable.Range(1, trustedProxies).Select(p => $"10.0.0.{p}")));

    private static async Task<HttpStatusCode> WrongKeyAsync(HttpClient http, string forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/license/request")
        {
            Content = JsonContent.Create(new { userKey = "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE", machineId = "m1" }),
        };
        request.Headers.Add("x-api-key", WrongKey);
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
