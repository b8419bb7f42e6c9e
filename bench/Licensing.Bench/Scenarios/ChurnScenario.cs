using System.Diagnostics;
using Azure.Data.Tables;
using Licensing.Bench.Load;
using Licensing.Bench.Results;
using Licensing.Settings;
using Licensing.Storage;

namespace Licensing.Bench.Scenarios;

/// <summary>
/// churn: the attack on partitions without bounds, at full size. A 1-seat activation license looped activate then
/// deactivate with a new machine id each time, and a 1-seat floating license looped request then release with a new
/// client id, 10,000 loops each (200 in a smoke run), one loop at a time, with the default caps of ended seats (1,000)
/// and events (10,000). Its figures: each call's latency in the first and the last tenth of the loops (the trims keep
/// it flat), and the ended seats and events the partition keeps at the end (the cap plus less than one trimming batch).
/// </summary>
public static class ChurnScenario
{
    public static async Task<IReadOnlyList<RunResult>> RunAsync(BenchContext context, CancellationToken ct)
    {
        var loops = context.Options.Smoke ? 200 : 10_000;
        var noRateLimits = new Dictionary<string, string?> { [SettingNames.RateLimitPerKey] = "0", [SettingNames.RateLimitPerAddress] = "0" };
        await using var session = await ServerSession.StartAsync(context, 2, ct, extraSettings: noRateLimits).ConfigureAwait(false);
        return
        [
            await LoopAsync(context, session, "churn-activate", 1, ["activate", "deactivate"], "machineId", loops, ct).ConfigureAwait(false),
            await LoopAsync(context, session, "churn-lease", 2, ["request", "release"], "clientId", loops, ct).ConfigureAwait(false),
        ];
    }

    /// <summary>One license looped: the first call takes its seat with a new id, the second gives it back.</summary>
    private static async Task<RunResult> LoopAsync(
        BenchContext context, ServerSession session, string scenario, int mode, string[] calls, string newIdField, int loops, CancellationToken ct)
    {
        var (licenseId, userKey) = await session.CreateLicenseAsync(mode, 1, TimeSpan.FromMinutes(10), ct).ConfigureAwait(false);
        await session.WarmUpAsync(userKey, ct).ConfigureAwait(false);
        var next = -1;
        var tenth = Math.Max(1, loops / 10);
        var result = await context.MeasureAsync(scenario, 1, async (_, recorder, token) =>
        {
            var i = Interlocked.Increment(ref next);
            var phase = i < tenth ? " (first tenth)" : i >= loops - tenth ? " (last tenth)" : "";
            var take = ApiClient.Body(("userKey", userKey), ("machineId", newIdField == "machineId" ? $"m-{i:D6}" : "pc"), ("clientId", newIdField == "clientId" ? $"c-{i:D6}" : null));
            var start = Stopwatch.GetTimestamp();
            var taken = await session.Api.PostAsync("v1/license/" + calls[0], take, token).ConfigureAwait(false);
            recorder.Record(calls[0] + phase, start, taken.Status);
            if (taken.Status != 200 || !(taken.Contains("\"success\":true"u8) || taken.Contains("\"granted\":true"u8)))
            {
                throw new InvalidOperationException($"{scenario} loop {i}: {calls[0]} answered {taken.Status}: {taken.Reason()}");
            }

            using var answer = taken.Json();
            var give = mode == 1 ? take : ApiClient.Body(("licenseToken", answer.RootElement.GetProperty("licenseToken").GetString()), ("machineId", "pc"));
            start = Stopwatch.GetTimestamp();
            var given = await session.Api.PostAsync("v1/license/" + calls[1], give, token).ConfigureAwait(false);
            recorder.Record(calls[1] + phase, start, given.Status);
        }, ct, new Dictionary<string, double> { ["loops"] = loops }, new RunLimit(TimeSpan.FromMinutes(30), loops)).ConfigureAwait(false);

        var (ended, events) = await KeptAsync(session.Server.Tables.Licenses, licenseId, ct).ConfigureAwait(false);
        result.Metrics["endedSeatsKept"] = ended;
        result.Metrics["eventsKept"] = events;
        return result;
    }

    /// <summary>The partition's ended seats and audit events, counted by their row keys.</summary>
    private static async Task<(int Ended, int Events)> KeptAsync(TableClient licenses, string licenseId, CancellationToken ct)
    {
        var (ended, events) = (0, 0);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {licenseId}");
        await foreach (var row in licenses.QueryAsync<TableEntity>(filter, select: ["RowKey", "State"], cancellationToken: ct).ConfigureAwait(false))
        {
            ended += TableKeys.IsSeatRow(row.RowKey) && row.GetString("State") != Licensing.Domain.SeatState.Live ? 1 : 0;
            events += TableKeys.IsEventRow(row.RowKey) ? 1 : 0;
        }

        return (ended, events);
    }
}
