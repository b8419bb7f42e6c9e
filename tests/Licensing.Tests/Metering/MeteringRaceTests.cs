using System.Net;
using System.Text.Json;
using Licensing.Tests.Support;

namespace Licensing.Tests.Metering;

/// <summary>
/// Recording use under concurrency, over real HTTP against Azurite: a burst never passes the limit and is never told to
/// come back later, and a use sent many times at once is counted once.
/// </summary>
public sealed class MeteringRaceTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const int Activation = 1;

    [Fact]
    public async Task A_hundred_concurrent_units_on_forty_two_remaining_record_exactly_forty_two_and_refuse_the_rest()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 1, extra: new { meters = new[] { new { code = "renders", limit = 50, resetPeriod = "month" } } });
        var first = await server.CallAsync("v1/license/usage", new { license.UserKey, machineId = "pc-0", meter = "renders", amount = 8, eventId = "warm-up" });
        Assert.Equal(42, first.RootElement.GetProperty("remaining").GetInt64());

        var sends = Enumerable.Range(0, 100)
            .Select(i => server.PostAsync("v1/license/usage", new { license.UserKey, machineId = $"pc-{i}", meter = "renders", amount = 1, eventId = $"burst-{i}" }))
            .ToList();
        var responses = await Task.WhenAll(sends);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var answers = new List<JsonElement>();
        foreach (var response in responses)
        {
            answers.Add((await ServerFixture.ReadJsonAsync(response)).RootElement.Clone());
            response.Dispose();
        }

        var recorded = answers.Where(a => a.GetProperty("recorded").GetBoolean()).ToList();
        var refused = answers.Where(a => !a.GetProperty("recorded").GetBoolean()).ToList();
        Assert.Equal(42, recorded.Count);
        Assert.Equal(58, refused.Count);
        Assert.Equal(Enumerable.Range(9, 42).Select(i => (long)i), recorded.Select(a => a.GetProperty("used").GetInt64()).Order());
        Assert.All(refused, a => Assert.Equal(("usage_limit_reached", 50L, 0L), (a.GetProperty("reason").GetString(), a.GetProperty("used").GetInt64(), a.GetProperty("remaining").GetInt64())));
        var stored = await UsageAsserts.StoredUsedAsync(server, license.LicenseId, "renders");
        Assert.Equal(50L, stored);
        Assert.Equal(43, (await UsageAsserts.StoredLedgerAsync(server, license.LicenseId)).Count);
    }

    [Fact]
    public async Task Twenty_concurrent_sends_of_one_event_id_count_it_once_and_all_get_the_first_answer()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 1, extra: new { meters = new[] { new { code = "exports", limit = 100 } } });

        var sends = Enumerable.Range(0, 20)
            .Select(_ => server.PostAsync("v1/license/usage", new { license.UserKey, machineId = "pc-1", meter = "exports", amount = 5, eventId = "export-7f3a" }))
            .ToList();
        var responses = await Task.WhenAll(sends);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var answers = new List<JsonElement>();
        foreach (var response in responses)
        {
            answers.Add((await ServerFixture.ReadJsonAsync(response)).RootElement.Clone());
            response.Dispose();
        }

        Assert.Equal(1, answers.Count(a => !a.GetProperty("duplicate").GetBoolean()));
        Assert.Equal(19, answers.Count(a => a.GetProperty("duplicate").GetBoolean()));
        Assert.All(answers, a => Assert.Equal((true, 5L, 95L), (a.GetProperty("recorded").GetBoolean(), a.GetProperty("used").GetInt64(), a.GetProperty("remaining").GetInt64())));
        var stored = await UsageAsserts.StoredUsedAsync(server, license.LicenseId, "exports");
        Assert.Equal(5L, stored);
        Assert.Single(await UsageAsserts.StoredLedgerAsync(server, license.LicenseId));
    }
}
