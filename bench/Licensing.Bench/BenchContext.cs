using System.Diagnostics;
using Azure.Data.Tables;
using Licensing.Bench.Infrastructure;
using Licensing.Bench.Load;
using Licensing.Bench.Results;

namespace Licensing.Bench;

/// <summary>What every scenario shares: the options, the Azurite of this invocation, and the storage counter.</summary>
public sealed class BenchContext(BenchOptions options, AzuriteProcess azurite)
{
    public BenchOptions Options { get; } = options;

    public AzuriteProcess Azurite { get; } = azurite;

    public StorageCounter Counter { get; } = new();

    /// <summary>A table client straight to Azurite, configured as the server's (bounded retries), counted by <see cref="Counter"/>.</summary>
    public TableClient Table(string name)
    {
        var clientOptions = new TableClientOptions();
        clientOptions.Retry.MaxRetries = 2;
        clientOptions.Retry.Delay = TimeSpan.FromMilliseconds(200);
        clientOptions.Retry.MaxDelay = TimeSpan.FromSeconds(1);
        clientOptions.Retry.NetworkTimeout = TimeSpan.FromSeconds(3);
        clientOptions.AddPolicy(Counter, Azure.Core.HttpPipelinePosition.PerCall);
        return new TableServiceClient(Azurite.ConnectionString, clientOptions).GetTableClient(name);
    }

    /// <summary>Runs a load and turns it into a result, with storage counts per endpoint and CPU per operation.</summary>
    public async Task<RunResult> MeasureAsync(
        string scenario, int concurrency, LoadRunner.Operation operation, CancellationToken ct, Dictionary<string, double>? metrics = null, RunLimit? limit = null)
    {
        var label = $"{scenario} c={concurrency}";
        var warmUp = limit is null ? Options.WarmUp : TimeSpan.Zero; // a run with a limit of its own (the storm) is one-shot
        var (operations, seconds) = limit is null ? (Options.Requests, Options.Duration.TotalSeconds) : (limit.Operations, limit.Duration.TotalSeconds);
        var length = operations is { } n ? $"{n:N0} operations, at most {seconds:0.#} s" : $"{seconds:0.#} s";
        Progress.Say($"==> {label}: {(warmUp > TimeSpan.Zero ? $"{warmUp.TotalSeconds:0.#} s warm-up, then " : "")}{length}");
        await LoadRunner.WarmUpAsync(concurrency, warmUp, operation, ct).ConfigureAwait(false);
        limit ??= RunLimit.From(Options);
        Counter.Reset();
        var azuriteBefore = Azurite.Usage().Cpu;
        var outcome = await LoadRunner.RunAsync(label, concurrency, limit, operation, ct).ConfigureAwait(false);
        var azuriteCpu = Azurite.Usage().Cpu - azuriteBefore;
        var storage = Counter.Snapshot();
        foreach (var endpoint in outcome.Endpoints)
        {
            endpoint.Storage = storage.GetValueOrDefault(endpoint.Name);
        }

        var all = metrics ?? [];
        var ops = Math.Max(outcome.Operations, 1);
        all["benchCpuMsPerOperation"] = Math.Round(outcome.BenchCpu.TotalMilliseconds / ops, 3);
        all["azuriteCpuMsPerOperation"] = Math.Round(azuriteCpu.TotalMilliseconds / ops, 3);
        all["benchCpuCores"] = Math.Round(outcome.BenchCpu / outcome.Elapsed, 2);
        all["azuriteCpuCores"] = Math.Round(azuriteCpu / outcome.Elapsed, 2);
        var result = new RunResult
        {
            Scenario = scenario,
            Label = label,
            Concurrency = concurrency,
            Seconds = Math.Round(outcome.Elapsed.TotalSeconds, 2),
            Operations = outcome.Operations,
            OperationsPerSecond = Math.Round(outcome.Operations / outcome.Elapsed.TotalSeconds, 1),
            Endpoints = outcome.Endpoints,
            Metrics = all,
        };
        Progress.Say($"    {label}: {result.Operations:N0} operations, {result.OperationsPerSecond:N1}/s, "
                     + string.Join(", ", result.Endpoints.Select(e => $"{e.Name} p99 {e.LatencyMs.P99:0.0} ms")));
        return result;
    }

    /// <summary>Runs <paramref name="work"/> for 0..count-1 with a few in flight, printing progress.</summary>
    public static async Task ForEachAsync(string what, int count, int parallel, Func<int, CancellationToken, Task> work, CancellationToken ct)
    {
        long done = 0;
        var clock = Stopwatch.StartNew();
        await using (Progress.Start(() => $"  {what}: {Interlocked.Read(ref done):N0}/{count:N0} ({clock.Elapsed.TotalSeconds:0}s)"))
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = ct }, async (i, token) =>
            {
                await work(i, token).ConfigureAwait(false);
                Interlocked.Increment(ref done);
            }).ConfigureAwait(false);
        }
    }
}
