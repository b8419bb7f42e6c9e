using System.Text.Json;
using Licensing.Tests.Support;

namespace Licensing.Tests.Webhooks;

/// <summary>Many grants at once: every one arrives, as its own event id.</summary>
public sealed class WebhookVolumeTests : WebhookHarness
{
    private const int Floating = 2;
    private const int Grants = 1_000;
    private const int Concurrency = 4;

    [Fact]
    [Trait("Category", "Slow")]
    public async Task A_thousand_grants_arrive_as_a_thousand_distinct_events()
    {
        await Server.CreateWebhookAsync(Receiver.Url(), ["seat.*"]);
        var license = await Server.CreateLicenseAsync(Floating, seats: Grants);

        var granted = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, Grants), new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (i, _) =>
        {
            using var answer = await Server.CallAsync("v1/license/request", new { license.UserKey, machineId = $"m{i}" });
            if (answer.RootElement.GetProperty("granted").GetBoolean())
            {
                Interlocked.Increment(ref granted);
            }
        });
        for (var run = 0; run < 5 && Receiver.Received.Count < Grants; run++)
        {
            await Server.RunDispatcherAsync();
        }

        var bodies = Receiver.Received.Select(r => JsonDocument.Parse(r.Body).RootElement).ToArray();
        Assert.Equal(Grants, granted);
        Assert.Equal(Grants, bodies.Select(b => b.GetProperty("id").GetString()).Distinct().Count());
        Assert.Equal(Grants, bodies.Select(b => b.GetProperty("data").GetProperty("machineId").GetString()).Distinct().Count());
        Assert.All(bodies, b => Assert.Equal("seat.granted", b.GetProperty("type").GetString()));
        Assert.Equal(Enumerable.Range(2, Grants).Select(n => (long)n), bodies.Select(b => b.GetProperty("sequence").GetInt64()).Order());
    }
}
