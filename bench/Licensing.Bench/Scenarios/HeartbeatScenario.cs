using System.Diagnostics;
using Licensing.Bench.Results;

namespace Licensing.Bench.Scenarios;

/// <summary>
/// heartbeat: C clients heartbeating the fixture's live leases as fast as they can, each over its own share of them.
/// Also reports the process's working set and managed heap at the start and the end of the run.
/// </summary>
public static class HeartbeatScenario
{
    public static async Task<RunResult> RunAsync(BenchContext context, LeaseFixture fixture, int concurrency, CancellationToken ct)
    {
        var shares = Enumerable.Range(0, concurrency).Select(c => Share(fixture, c, concurrency)).ToArray();
        var next = new int[concurrency];
        var api = fixture.Session.Api;
        var (workingSetStart, heapStart) = Memory();
        var metrics = new Dictionary<string, double>
        {
            ["leases"] = fixture.Leases.Count,
            ["workingSetStartMB"] = workingSetStart,
            ["managedHeapStartMB"] = heapStart,
        };
        var result = await context.MeasureAsync("heartbeat", concurrency, async (client, recorder, token) =>
        {
            var share = shares[client];
            var lease = share[next[client]++ % share.Length];
            var start = Stopwatch.GetTimestamp();
            var answer = await api.PostAsync("v1/license/heartbeat", lease.HeartbeatBody, token).ConfigureAwait(false);
            var active = answer.Status == 200 && answer.Contains("\"active\":true"u8);
            recorder.Record("heartbeat", start, answer.Status, active ? "active" : "inactive:" + (answer.Reason() ?? "none"));
        }, ct, metrics).ConfigureAwait(false);
        var (workingSetEnd, heapEnd) = Memory();
        result.Metrics["workingSetEndMB"] = workingSetEnd;
        result.Metrics["managedHeapEndMB"] = heapEnd;
        result.Metrics["azuriteWorkingSetMB"] = Math.Round(context.Azurite.Usage().WorkingSet / 1048576.0, 1);
        result.Notes.Add("working set and heap are the bench process's: the server and its HTTP clients share it");
        return result;
    }

    private static Lease[] Share(LeaseFixture fixture, int client, int clients) =>
        clients <= fixture.Leases.Count ? fixture.ShareOf(client, clients) : [fixture.Leases[client % fixture.Leases.Count]];

    /// <summary>The process's working set and, after a full collection, its managed heap, in MB.</summary>
    private static (double WorkingSet, double Heap) Memory()
    {
        var heap = GC.GetTotalMemory(forceFullCollection: true);
        using var self = Process.GetCurrentProcess();
        return (Math.Round(self.WorkingSet64 / 1048576.0, 1), Math.Round(heap / 1048576.0, 1));
    }
}
