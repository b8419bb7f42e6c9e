using System.Diagnostics;
using Licensing.Bench.Results;

namespace Licensing.Bench.Load;

/// <summary>What a load run measured: the merged endpoints and the operations done, over the time it took.</summary>
public sealed record LoadOutcome(TimeSpan Elapsed, long Operations, List<EndpointResult> Endpoints, TimeSpan BenchCpu);

/// <summary>
/// Runs C concurrent clients, each repeating one operation until the run's limit, each recording its calls into a
/// recorder of its own; prints progress while it goes.
/// </summary>
public static class LoadRunner
{
    public delegate Task Operation(int client, Recorder recorder, CancellationToken ct);

    /// <summary>The same load, unmeasured, so JIT, connection pools and caches are warm when the measured run starts.</summary>
    public static async Task WarmUpAsync(int concurrency, TimeSpan duration, Operation operation, CancellationToken ct)
    {
        if (duration <= TimeSpan.Zero)
        {
            return;
        }

        var limit = new RunLimit(duration, null);
        var live = new LiveCounters();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(client => Task.Run(async () =>
        {
            var recorder = new Recorder(live);
            while (!ct.IsCancellationRequested && limit.TryStart())
            {
                await operation(client, recorder, ct).ConfigureAwait(false);
            }
        }, ct))).ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
    }

    public static async Task<LoadOutcome> RunAsync(string label, int concurrency, RunLimit limit, Operation operation, CancellationToken ct)
    {
        var live = new LiveCounters();
        var recorders = Enumerable.Range(0, concurrency).Select(_ => new Recorder(live)).ToArray();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        long operations = 0;
        await using (Progress.ForRun(label, limit, live))
        {
            var clients = Enumerable.Range(0, concurrency).Select(client => Task.Run(async () =>
            {
                while (!ct.IsCancellationRequested && limit.TryStart())
                {
                    await operation(client, recorders[client], ct).ConfigureAwait(false);
                    Interlocked.Increment(ref operations);
                }
            }, ct));
            await Task.WhenAll(clients).ConfigureAwait(false);
        }

        clock.Stop();
        ct.ThrowIfCancellationRequested();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        return new LoadOutcome(clock.Elapsed, operations, Recorder.Merge(recorders, clock.Elapsed), cpu);
    }
}
