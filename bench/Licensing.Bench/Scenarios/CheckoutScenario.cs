using System.Diagnostics;
using Licensing.Bench.Load;
using Licensing.Bench.Results;

namespace Licensing.Bench.Scenarios;

/// <summary>
/// checkout: C clients each repeating request → heartbeat × k → release over a few licenses of --seats seats each
/// (one license per four clients by default), so seats run out, requests are denied and grants race on the
/// license row's ETag. A denied client simply starts its next cycle.
/// </summary>
public static class CheckoutScenario
{
    public static async Task<RunResult> RunAsync(BenchContext context, int concurrency, CancellationToken ct)
    {
        var options = context.Options;
        await using var session = await ServerSession.StartAsync(context, concurrency, ct).ConfigureAwait(false);
        var count = options.CheckoutLicensesFor(concurrency);
        var licenses = new (string LicenseId, string UserKey)[count];
        for (var i = 0; i < count; i++)
        {
            licenses[i] = await session.CreateLicenseAsync(2, options.Seats, TimeSpan.FromMinutes(1), ct).ConfigureAwait(false);
        }

        await session.WarmUpAsync(licenses[0].UserKey, ct).ConfigureAwait(false);
        var requests = Enumerable.Range(0, concurrency)
            .Select(c => ApiClient.Body(("userKey", licenses[c % count].UserKey), ("machineId", Machine(c)), ("clientId", "app"), ("clientName", "Bench checkout")))
            .ToArray();
        var api = session.Api;
        var heartbeats = options.Heartbeats;
        var metrics = new Dictionary<string, double> { ["licenses"] = count, ["seatsPerLicense"] = options.Seats, ["heartbeatsPerCycle"] = heartbeats };
        return await context.MeasureAsync("checkout", concurrency, async (client, recorder, token) =>
        {
            var start = Stopwatch.GetTimestamp();
            var grant = await api.PostAsync("v1/license/request", requests[client], token).ConfigureAwait(false);
            string? leaseToken = null;
            if (grant.Status == 200)
            {
                using var json = grant.Json();
                if (json.RootElement.TryGetProperty("granted", out var granted) && granted.GetBoolean())
                {
                    leaseToken = json.RootElement.GetProperty("licenseToken").GetString();
                }
            }

            recorder.Record("request", start, grant.Status, leaseToken is null ? "denied:" + (grant.Reason() ?? "none") : "granted");
            if (leaseToken is null)
            {
                return;
            }

            var held = ApiClient.Body(("licenseToken", leaseToken), ("machineId", Machine(client)));
            for (var k = 0; k < heartbeats; k++)
            {
                start = Stopwatch.GetTimestamp();
                var beat = await api.PostAsync("v1/license/heartbeat", held, token).ConfigureAwait(false);
                var active = beat.Status == 200 && beat.Contains("\"active\":true"u8);
                recorder.Record("heartbeat", start, beat.Status, active ? "active" : "inactive:" + (beat.Reason() ?? "none"));
            }

            start = Stopwatch.GetTimestamp();
            var release = await api.PostAsync("v1/license/release", held, token).ConfigureAwait(false);
            recorder.Record("release", start, release.Status);
        }, ct, metrics).ConfigureAwait(false);
    }

    private static string Machine(int client) => $"checkout-machine-{client:D4}";
}
