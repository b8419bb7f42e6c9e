using System.Diagnostics;
using Licensing.Bench.Load;
using Licensing.Bench.Results;

namespace Licensing.Bench.Scenarios;

/// <summary>
/// full-pool: one floating license of --pool-seats seats, every seat held (granted through the API, with an interval
/// long enough that none lapses), then --refusals requests from new machines, C at a time, each refused. Its figure is
/// the storage requests per refused request: the first reads the leases once, the rest only their own two rows.
/// </summary>
public static class FullPoolScenario
{
    public static async Task<RunResult> RunAsync(BenchContext context, int concurrency, CancellationToken ct)
    {
        var options = context.Options;
        await using var session = await ServerSession.StartAsync(context, Math.Max(concurrency, 8), ct).ConfigureAwait(false);
        var (_, userKey) = await session.CreateLicenseAsync(2, options.PoolSeats, TimeSpan.FromHours(1), ct).ConfigureAwait(false);
        await session.WarmUpAsync(userKey, ct).ConfigureAwait(false);
        Progress.Say($"==> full-pool: filling {options.PoolSeats:N0} seats");
        await BenchContext.ForEachAsync("seats granted", options.PoolSeats, 8, async (i, token) =>
        {
            var grant = await session.Api.PostAsync("v1/license/request", ApiClient.Body(("userKey", userKey), ("machineId", $"holder-{i:D6}")), token).ConfigureAwait(false);
            if (grant.Status != 200 || !grant.Contains("\"granted\":true"u8))
            {
                throw new InvalidOperationException($"filling seat {i} answered {grant.Status}: {grant.Reason()}");
            }
        }, ct).ConfigureAwait(false);

        var next = -1;
        var metrics = new Dictionary<string, double> { ["poolSeats"] = options.PoolSeats };
        var limit = new RunLimit(TimeSpan.FromMinutes(10), options.Refusals);
        var result = await context.MeasureAsync("full-pool", concurrency, async (_, recorder, token) =>
        {
            var machine = $"newcomer-{Interlocked.Increment(ref next):D6}";
            var start = Stopwatch.GetTimestamp();
            var answer = await session.Api.PostAsync("v1/license/request", ApiClient.Body(("userKey", userKey), ("machineId", machine)), token).ConfigureAwait(false);
            recorder.Record("request", start, answer.Status, answer.Status == 200 && answer.Contains("\"granted\":false"u8) ? "refused:" + answer.Reason() : "granted");
        }, ct, metrics, limit).ConfigureAwait(false);
        if (result.Endpoint("request")?.Storage is { } storage)
        {
            result.Metrics["storageRequestsPerRefusal"] = storage.RoundTripsPerCall;
        }

        return result;
    }
}
