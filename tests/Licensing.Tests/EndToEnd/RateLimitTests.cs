using System.Net;
using Licensing.Tests.Support;

namespace Licensing.Tests.EndToEnd;

/// <summary>Per-key, per-address and failed-key limits answer 429 with Retry-After, and change nothing.</summary>
public sealed class RateLimitTests
{
    [Fact]
    public async Task A_key_over_its_rate_gets_429_with_retry_after_and_takes_no_seat()
    {
        await using var server = await ServerFixture.StartAsync(s => s["Licensing:RateLimitPerKey"] = "5");
        var license = await server.CreateLicenseAsync(mode: 2, seats: 100);

        // Sent at once, so the burst meets the bucket within far less than its one-second refill even on a busy machine.
        var responses = await Task.WhenAll(Enumerable.Range(0, 30).Select(i =>
            server.PostAsync("v1/license/request", new { license.UserKey, machineId = $"m{i}" })));
        var statuses = responses.Select(r => r.StatusCode).ToList();

        var limited = responses.FirstOrDefault(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.NotNull(limited);
        Assert.NotNull(limited.Headers.RetryAfter);
        Assert.Equal("rate_limited", (await ServerFixture.ReadJsonAsync(limited)).RootElement.GetProperty("code").GetString());
        foreach (var response in responses)
        {
            response.Dispose();
        }

        var granted = statuses.Count(s => s == HttpStatusCode.OK);
        Assert.InRange(granted, 5, 15);
        Assert.Equal(granted, (await server.StoredLicenseRowAsync(license.LicenseId))!.GetInt32("LiveSeats"));
    }

    [Fact]
    public async Task Repeated_wrong_keys_from_one_address_get_it_refused_even_with_a_right_key()
    {
        await using var server = await ServerFixture.StartAsync(s => s["Licensing:FailedKeyLimitPerAddress"] = "3");
        var license = await server.CreateLicenseAsync(mode: 2, seats: 1);

        var wrong = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await server.PostAsync("v1/license/request", new { license.UserKey, machineId = "m1" }, apiKey: "lk_wrongwrong_" + new string('a', 32));
            wrong.Add(response.StatusCode);
        }

        using var right = await server.PostAsync("v1/license/request", new { license.UserKey, machineId = "m1" });

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized], wrong.Take(3));
        Assert.All(wrong.Skip(3), s => Assert.Equal(HttpStatusCode.TooManyRequests, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        Assert.Equal(0, (await server.StoredLicenseRowAsync(license.LicenseId))!.GetInt32("LiveSeats"));
    }

    [Fact]
    public async Task An_address_over_its_rate_gets_429_on_any_route_and_a_limit_of_0_is_off()
    {
        await using var limited = await ServerFixture.StartAsync(s => s["Licensing:RateLimitPerAddress"] = "3");
        await using var unlimited = await ServerFixture.StartAsync(s => { s["Licensing:RateLimitPerAddress"] = "0"; s["Licensing:RateLimitPerKey"] = "0"; });

        async Task<int> LimitedCalls(ServerFixture server)
        {
            var count = 0;
            for (var i = 0; i < 10; i++)
            {
                using var response = await server.Http.GetAsync("v1/license/keys");
                count += response.StatusCode == HttpStatusCode.TooManyRequests ? 1 : 0;
            }

            return count;
        }

        Assert.True(await LimitedCalls(limited) >= 6);
        Assert.Equal(0, await LimitedCalls(unlimited));
    }
}
