using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Licensing.Tests.Support;

namespace Licensing.Tests.EndToEnd;

/// <summary>
/// Per-key, per-address and failed-key limits answer 429 with Retry-After and change nothing. The buckets fill on the
/// server's clock, which stands still unless the test moves it: a test spends a bucket call by call, then moves the
/// clock by the Retry-After it was given and is served again.
/// </summary>
public sealed class RateLimitTests
{
    private const HttpStatusCode Ok = HttpStatusCode.OK;
    private const HttpStatusCode Limited = HttpStatusCode.TooManyRequests;
    private const HttpStatusCode Unauthorized = HttpStatusCode.Unauthorized;

    [Fact]
    public async Task A_key_over_its_rate_gets_429_with_retry_after_takes_no_seat_and_is_served_again_after_it()
    {
        await using var server = await ServerFixture.StartAsync(s => s["Licensing:RateLimitPerKey"] = "5");
        var license = await server.CreateLicenseAsync(mode: 2, seats: 100);

        var first = await RequestSeatsAsync(server, license, "first", 7);
        var seatsAfterFirst = await LiveSeatsAsync(server, license);
        server.Clock.Advance(first[^1].RetryAfter!.Value);
        var second = await RequestSeatsAsync(server, license, "second", 6);

        Assert.Equal([Ok, Ok, Ok, Ok, Ok, Limited, Limited], first.Select(a => a.Status));
        Assert.Equal([Ok, Ok, Ok, Ok, Ok, Limited], second.Select(a => a.Status));
        Assert.All(first.Concat(second).Where(a => a.Status == Limited), a => Assert.Equal(new Answer(Limited, TimeSpan.FromSeconds(1), "rate_limited"), a));
        Assert.Equal(5, seatsAfterFirst);
        Assert.Equal(10, await LiveSeatsAsync(server, license));
    }

    [Fact]
    public async Task An_address_over_its_rate_gets_429_on_any_route_alone_and_is_served_again_after_its_retry_after()
    {
        await using var server = await ServerFixture.StartAsync(s => s["Licensing:RateLimitPerAddress"] = "3");
        var license = await server.CreateLicenseAsync(mode: 2, seats: 5);
        const string Busy = "127.0.0.7";

        var spent = new List<Answer>();
        for (var i = 0; i < 4; i++)
        {
            spent.Add(await SendAsync(server, HttpMethod.Get, "v1/license/keys", null, apiKey: null, from: Busy));
        }

        var clientCall = await SendAsync(server, HttpMethod.Post, "v1/license/request", new { license.UserKey, machineId = "m1" }, server.ClientKey, Busy);
        var otherAddress = await SendAsync(server, HttpMethod.Get, "v1/license/keys", null, apiKey: null, from: "127.0.0.9");
        server.Clock.Advance(spent[^1].RetryAfter!.Value);
        var servedAgain = await SendAsync(server, HttpMethod.Post, "v1/license/request", new { license.UserKey, machineId = "m1" }, server.ClientKey, Busy);

        Assert.Equal([Ok, Ok, Ok, Limited], spent.Select(a => a.Status));
        Assert.Equal(new Answer(Limited, TimeSpan.FromSeconds(1), "rate_limited"), spent[^1]);
        Assert.Equal(new Answer(Limited, TimeSpan.FromSeconds(1), "rate_limited"), clientCall);
        Assert.Equal(Ok, otherAddress.Status);
        Assert.Equal(Ok, servedAgain.Status);
        Assert.Equal(1, await LiveSeatsAsync(server, license));
    }

    [Fact]
    public async Task A_limit_of_0_is_off()
    {
        await using var server = await ServerFixture.StartAsync(s => { s["Licensing:RateLimitPerAddress"] = "0"; s["Licensing:RateLimitPerKey"] = "0"; });
        var license = await server.CreateLicenseAsync(mode: 2, seats: 1);

        var answers = new List<Answer>();
        for (var i = 0; i < 20; i++)
        {
            answers.Add(await SendAsync(server, HttpMethod.Post, "v1/license/info", new { license.UserKey, machineId = "m1" }, server.ClientKey, "127.0.0.7"));
        }

        Assert.Equal(20, answers.Count(a => a.Status == Ok));
    }

    [Fact]
    public async Task Repeated_wrong_keys_from_one_address_get_its_unknown_keys_429_until_its_retry_after_while_known_keys_are_served()
    {
        await using var server = await ServerFixture.StartAsync(s => s["Licensing:FailedKeyLimitPerAddress"] = "3");
        var license = await server.CreateLicenseAsync(mode: 2, seats: 2);
        const string Office = "127.0.0.7";
        var request = new { license.UserKey, machineId = "m1" };
        var unusedClientKey = await CreateClientKeyAsync(server);
        var knownBefore = await SendAsync(server, HttpMethod.Post, "v1/license/info", request, server.ClientKey, "127.0.0.8");

        var wrong = new List<Answer>();
        for (var i = 0; i < 5; i++)
        {
            wrong.Add(await SendAsync(server, HttpMethod.Post, "v1/license/request", request, WrongKey(i), Office));
        }

        server.StorageRequests.Reset();
        var wrongWhileRefused = await SendAsync(server, HttpMethod.Post, "v1/license/request", request, WrongKey(9), Office);
        var storageForWrongKey = server.StorageRequests.Count;
        var client = await SendAsync(server, HttpMethod.Post, "v1/license/request", request, server.ClientKey, Office);
        var admin = await SendAsync(server, HttpMethod.Get, $"v1/admin/licenses/{license.LicenseId}", null, ServerFixture.AdminKey, Office);
        var notYetKnown = await SendAsync(server, HttpMethod.Post, "v1/license/request", new { license.UserKey, machineId = "m2" }, unusedClientKey, Office);
        server.Clock.Advance(TimeSpan.FromMinutes(1));
        var onTime = await SendAsync(server, HttpMethod.Post, "v1/license/request", new { license.UserKey, machineId = "m2" }, unusedClientKey, Office);

        Assert.Equal(Ok, knownBefore.Status);
        Assert.Equal([Unauthorized, Unauthorized, Unauthorized, Limited, Limited], wrong.Select(a => a.Status));
        Assert.Equal(new Answer(Limited, TimeSpan.FromMinutes(1), "rate_limited"), wrongWhileRefused);
        Assert.Equal(0, storageForWrongKey);
        Assert.Equal(new Answer(Ok, null, null), client);
        Assert.Equal(new Answer(Ok, null, null), admin);
        Assert.Equal(new Answer(Limited, TimeSpan.FromMinutes(1), "rate_limited"), notYetKnown);
        Assert.Equal(new Answer(Ok, null, null), onTime);
        Assert.Equal(2, await LiveSeatsAsync(server, license));
    }

    private static string WrongKey(int i) => $"lk_wrongwron{(char)('a' + i)}_" + new string('a', 32);

    /// <summary>A new client-scope API key, created by the admin and never used: the instance does not know it yet.</summary>
    private static async Task<string> CreateClientKeyAsync(ServerFixture server)
    {
        using var created = await server.AdminPostAsync("v1/admin/api-keys", new { name = "office", scope = "client" });
        return created.RootElement.GetProperty("key").GetString()!;
    }

    /// <summary>Seat requests of distinct machines, one after another (the clock stands still meanwhile).</summary>
    private static async Task<List<Answer>> RequestSeatsAsync(ServerFixture server, License license, string machines, int count)
    {
        var answers = new List<Answer>();
        for (var i = 0; i < count; i++)
        {
            answers.Add(await SendAsync(server, HttpMethod.Post, "v1/license/request", new { license.UserKey, machineId = $"{machines}-{i}" }, server.ClientKey, "127.0.0.7"));
        }

        return answers;
    }

    private static async Task<int> LiveSeatsAsync(ServerFixture server, License license) =>
        (await server.StoredLicenseRowAsync(license.LicenseId))!.GetInt32("LiveSeats")!.Value;

    /// <summary>A call from the client address <paramref name="from"/>: the connection leaves from that loopback address.</summary>
    private static async Task<Answer> SendAsync(ServerFixture server, HttpMethod method, string route, object? body, string? apiKey, string from)
    {
        using var request = new HttpRequestMessage(method, route);
        if (apiKey is not null)
        {
            request.Headers.Add("x-api-key", apiKey);
        }

        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        using var client = LoopbackSource.Client(server.Http.BaseAddress!, from);
        using var response = await client.SendAsync(request);
        using var json = await ServerFixture.ReadJsonAsync(response);
        var code = json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("code", out var c) ? c.GetString() : null;
        return new Answer(response.StatusCode, response.Headers.RetryAfter?.Delta, code);
    }

    private sealed record Answer(HttpStatusCode Status, TimeSpan? RetryAfter, string? Code);
}
