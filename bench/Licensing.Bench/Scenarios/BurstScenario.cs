using System.Diagnostics;
using Licensing.Bench.Infrastructure;
using Licensing.Bench.Load;
using Licensing.Bench.Results;
using Licensing.Storage;

namespace Licensing.Bench.Scenarios;

/// <summary>
/// burst: N distinct machines ask one floating license of N seats for a seat at once (a class of students starting the
/// app at nine), on one instance and split over two instances on one Azurite. Its figure is the burst's wall time
/// against N uncontended grants measured in the same run on the same server (the ratio: below 1, the burst is faster
/// than the same grants one after another), with the latency each caller saw, the storage requests per grant (every
/// request storage received during the burst, divided by N), any 5xx, and the seats live afterwards (must be N).
/// </summary>
public static class BurstScenario
{
    /// <summary>Uncontended grants timed one after another (after as many unmeasured) for the ratio's unit.</summary>
    private const int AloneGrants = 30;

    public static async Task<List<RunResult>> RunAsync(BenchContext context, int[] sizes, CancellationToken ct)
    {
        var runs = new List<RunResult>();
        var table = new List<string> { "| instances | N | wall ms | one grant ms | ratio | p50 ms | p99 ms | storage req/grant | 5xx | seats live |", "|---|---|---|---|---|---|---|---|---|---|" };
        foreach (var instances in new[] { 1, 2 })
        {
            foreach (var n in sizes)
            {
                var run = await RunOnceAsync(context, instances, n, ct).ConfigureAwait(false);
                runs.Add(run);
                var m = run.Metrics;
                table.Add($"| {instances} | {n:N0} | {m["wallMs"]:0} | {m["oneGrantMs"]:0.0} | {m["ratio"]:0.00} | {m["p50Ms"]:0} | {m["p99Ms"]:0} | {m["storageRequestsPerGrant"]:0.00} | {m["5xx"]:0} | {m["seatsLive"]:0} |");
            }
        }

        Progress.Say("==> burst");
        table.ForEach(Progress.Say);
        return runs;
    }

    private static async Task<RunResult> RunOnceAsync(BenchContext context, int instances, int n, CancellationToken ct)
    {
        await using var a = await ServerSession.StartAsync(context, n, ct).ConfigureAwait(false);
        await using var b = instances == 2
            ? await ServerSession.StartAsync(context, n, ct, extraSettings: new Dictionary<string, string?> { ["Licensing:TablePrefix"] = a.Server.TablePrefix }).ConfigureAwait(false)
            : null;
        var servers = b is null ? new[] { a } : [a, b];
        var oneGrant = await OneGrantAsync(a, ct).ConfigureAwait(false);

        var (licenseId, userKey) = await a.CreateLicenseAsync(2, n, TimeSpan.FromHours(1), ct).ConfigureAwait(false);
        foreach (var server in servers)
        {
            await server.WarmUpAsync(userKey, ct).ConfigureAwait(false);
        }

        Progress.Say($"==> burst: {n:N0} first requests on one license of {n:N0} seats, {instances} instance(s)");
        var storageBefore = context.Counter.Total;
        var latencies = new double[n];
        var statuses = new int[n];
        var granted = new bool[n];
        var wall = Stopwatch.StartNew();
        var contenders = Enumerable.Range(0, n).Select(async i =>
        {
            var start = Stopwatch.GetTimestamp();
            var answer = await servers[i % servers.Length].Api
                .PostAsync("v1/license/request", ApiClient.Body(("userKey", userKey), ("machineId", $"student-{i:D5}")), ct).ConfigureAwait(false);
            latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            statuses[i] = answer.Status;
            granted[i] = answer.Status == 200 && answer.Contains("\"granted\":true"u8);
        }).ToArray();
        await Task.WhenAll(contenders).ConfigureAwait(false);
        wall.Stop();
        var storage = context.Counter.Total - storageBefore;
        var seatsLive = await SeatsLiveAsync(a, licenseId, ct).ConfigureAwait(false);

        Array.Sort(latencies);
        var metrics = new Dictionary<string, double>
        {
            ["n"] = n,
            ["instances"] = instances,
            ["wallMs"] = wall.Elapsed.TotalMilliseconds,
            ["oneGrantMs"] = oneGrant,
            ["ratio"] = wall.Elapsed.TotalMilliseconds / (n * oneGrant),
            ["p50Ms"] = Percentile(latencies, 0.50),
            ["p99Ms"] = Percentile(latencies, 0.99),
            ["storageRequestsPerGrant"] = (double)storage / n,
            ["5xx"] = statuses.Count(s => s >= 500),
            ["granted"] = granted.Count(g => g),
            ["seatsLive"] = seatsLive,
        };
        var notes = new List<string>();
        if (metrics["5xx"] > 0 || seatsLive != n || granted.Count(g => g) != n)
        {
            notes.Add($"NOT EXACT: {metrics["5xx"]:0} answers 5xx, {granted.Count(g => g)} granted, {seatsLive} seats live of {n}");
        }

        return new RunResult
        {
            Scenario = "burst",
            Label = $"burst n={n} instances={instances}",
            Concurrency = n,
            Seconds = wall.Elapsed.TotalSeconds,
            Operations = n,
            OperationsPerSecond = n / wall.Elapsed.TotalSeconds,
            Endpoints = [],
            Metrics = metrics,
            Notes = notes,
        };
    }

    /// <summary>The mean time of one uncontended grant (a first request on a license of its own seats), warm.</summary>
    private static async Task<double> OneGrantAsync(ServerSession session, CancellationToken ct)
    {
        var (_, userKey) = await session.CreateLicenseAsync(2, 2 * AloneGrants, TimeSpan.FromHours(1), ct).ConfigureAwait(false);
        await session.WarmUpAsync(userKey, ct).ConfigureAwait(false);
        var timed = TimeSpan.Zero;
        for (var i = 0; i < 2 * AloneGrants; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var answer = await session.Api.PostAsync("v1/license/request", ApiClient.Body(("userKey", userKey), ("machineId", $"alone-{i:D3}")), ct).ConfigureAwait(false);
            if (answer.Status != 200 || !answer.Contains("\"granted\":true"u8))
            {
                throw new InvalidOperationException($"an uncontended grant answered {answer.Status}: {answer.Reason()}");
            }

            if (i >= AloneGrants)
            {
                timed += Stopwatch.GetElapsedTime(start);
            }
        }

        return timed.TotalMilliseconds / AloneGrants;
    }

    /// <summary>The license's seat rows in state live, read straight from storage, when its counter agrees; else -1.</summary>
    private static async Task<int> SeatsLiveAsync(ServerSession session, string licenseId, CancellationToken ct)
    {
        var live = 0;
        int? counter = null;
        await foreach (var row in session.Server.Tables.Licenses.QueryAsync<Azure.Data.Tables.TableEntity>(e => e.PartitionKey == licenseId, cancellationToken: ct).ConfigureAwait(false))
        {
            if (row.RowKey == TableKeys.LicenseRow)
            {
                counter = row.GetInt32("LiveSeats");
            }
            else if (TableKeys.IsSeatRow(row.RowKey) && row.GetString("State") == Licensing.Domain.SeatState.Live)
            {
                live++;
            }
        }

        return counter == live ? live : -1;
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
