using System.Globalization;

namespace Licensing.Bench.Results;

/// <summary>The issue's headline ratios, computed from the runs of one invocation.</summary>
public static class Headlines
{
    public const double ThroughputTarget = 0.80;
    public const double P99Target = 1.5;
    public const double TimerTarget = 1.2;
    public const double FullPoolRefusalTarget = 4;

    /// <summary>The churn's keep: the default caps (1,000 ended seats, 10,000 events) plus one trimming batch (40).</summary>
    public const int ChurnEndedSeatsKept = 1_040;
    public const int ChurnEventsKept = 10_040;

    /// <summary>
    /// Heartbeats/s through the real Functions host (4.x) ÷ through the local host, same app and Azurite, measured once
    /// outside the bench (200 leases, wrk, 20 s): 457/s vs 810/s at 16 connections, 561/s vs 737/s at 4.
    /// </summary>
    public const double FunctionsHostFactorAt16 = 0.56;
    public const double FunctionsHostFactorAt4 = 0.76;
    public static readonly TimeSpan MemoryRunLength = TimeSpan.FromMinutes(5);

    public static List<Headline> From(IReadOnlyList<RunResult> runs)
    {
        var lines = new List<Headline>();
        foreach (var server in runs.Where(r => r.Scenario == "heartbeat"))
        {
            var floor = runs.FirstOrDefault(r => r.Scenario == "floor-heartbeat" && r.Concurrency == server.Concurrency);
            var beat = server.Endpoint("heartbeat");
            var pair = floor?.Endpoint("floor:heartbeat");
            if (beat is null || pair is null || pair.RequestsPerSecond <= 0 || pair.LatencyMs.P99 <= 0)
            {
                continue;
            }

            var rate = beat.RequestsPerSecond / pair.RequestsPerSecond;
            lines.Add(new Headline
            {
                Name = $"heartbeat throughput ÷ floor pair rate, c={server.Concurrency}",
                Value = F($"{rate:0.00} ({beat.RequestsPerSecond:0}/s ÷ {pair.RequestsPerSecond:0}/s)"),
                Target = F($"≥ {ThroughputTarget:0.00}"),
                Met = rate >= ThroughputTarget,
            });
            if (server.Metrics.TryGetValue("benchCpuMsPerOperation", out var cpuMs))
            {
                lines.Add(new Headline
                {
                    Name = $"server CPU per heartbeat, c={server.Concurrency}",
                    Value = F($"{cpuMs:0.00} ms (the bench process: the server and its HTTP clients)"),
                    Target = F($"production adds the Functions host: ×{1 / FunctionsHostFactorAt16:0.0} at 16 connections, ×{1 / FunctionsHostFactorAt4:0.0} at 4"),
                    Met = null,
                    Detail = "reported",
                });
            }

            var p99 = beat.LatencyMs.P99 / pair.LatencyMs.P99;
            lines.Add(new Headline
            {
                Name = $"heartbeat p99 ÷ floor p99, c={server.Concurrency}",
                Value = F($"{p99:0.00} ({beat.LatencyMs.P99:0.0} ms ÷ {pair.LatencyMs.P99:0.0} ms)"),
                Target = F($"≤ {P99Target:0.0}"),
                Met = p99 <= P99Target,
            });
        }

        lines.AddRange(RoundTrips(runs));
        if (Timer(runs) is { } timer)
        {
            lines.Add(timer);
        }

        if (TimerAgainstPointReads(runs) is { } fair)
        {
            lines.Add(fair);
        }

        lines.AddRange(Memory(runs));
        lines.AddRange(Soak(runs));
        lines.AddRange(SeatRace(runs));
        lines.AddRange(FullPool(runs));
        lines.AddRange(Churn(runs));
        return lines;
    }

    private static IEnumerable<Headline> RoundTrips(IReadOnlyList<RunResult> runs)
    {
        var serverRuns = runs.Where(r => r.Scenario is "heartbeat" or "checkout" or "activate-storm" or "activate-mix").ToList();
        var endpoints = serverRuns.SelectMany(r => r.Endpoints).Where(e => e.Storage is { Budget: not null }).ToList();
        foreach (var group in endpoints.GroupBy(e => e.Name))
        {
            var over = group.Sum(e => e.Storage!.OverBudgetWithoutRetry);
            var calls = group.Sum(e => e.Storage!.Calls);
            var races = group.Sum(e => e.Storage!.LostEtagRaces);
            var keys = group.Sum(e => e.Storage!.ApiKeyReads);
            var max = group.Max(e => e.Storage!.MaxWithoutRetry);
            yield return new Headline
            {
                Name = $"storage round trips per {group.Key} (no race lost)",
                Value = F($"max {max} over {calls:N0} calls; {over} over budget; {races:N0} counted ETag retries; {keys} API-key reads"),
                Target = F($"≤ {group.First().Storage!.Budget}, 0 extra"),
                Met = over == 0,
            };
        }
    }

    /// <summary>
    /// The timer's time per lapsed lease divided by the floor's point read at the same table size, at the largest live
    /// count over the smallest: how much more the timer's own work grows than Azurite's reads do.
    /// </summary>
    private static Headline? TimerAgainstPointReads(IReadOnlyList<RunResult> runs)
    {
        var timers = runs
            .Where(r => r.Scenario == "timer" && r.Metrics.ContainsKey("timerSeconds") && r.Metrics.GetValueOrDefault("lapsed") > 0
                && r.Endpoint("floor:point-read") is { LatencyMs.P50: > 0 })
            .OrderBy(r => r.Metrics["live"])
            .ToList();
        if (timers.Count < 2)
        {
            return null;
        }

        static (double PerLeaseMs, double PointReadMs, double Ratio) Of(RunResult run)
        {
            var perLease = run.Metrics["timerSeconds"] * 1000 / run.Metrics["lapsed"];
            var pointRead = run.Endpoint("floor:point-read")!.LatencyMs.P50;
            return (perLease, pointRead, perLease / pointRead);
        }

        var (few, many) = (Of(timers[0]), Of(timers[^1]));
        var growth = many.Ratio / few.Ratio;
        return new Headline
        {
            Name = F($"timer per lapsed lease ÷ floor point read p50, at {timers[^1].Metrics["live"]:N0} live over at {timers[0].Metrics["live"]:N0} live"),
            Value = F($"{growth:0.00} ({many.PerLeaseMs:0.00} ms ÷ {many.PointReadMs:0.00} ms = {many.Ratio:0.0}; {few.PerLeaseMs:0.00} ms ÷ {few.PointReadMs:0.00} ms = {few.Ratio:0.0})"),
            Target = F($"≤ {TimerTarget:0.0}"),
            Met = growth <= TimerTarget,
        };
    }

    private static Headline? Timer(IReadOnlyList<RunResult> runs)
    {
        var timers = runs.Where(r => r.Scenario == "timer" && r.Metrics.ContainsKey("timerSeconds")).OrderBy(r => r.Metrics["live"]).ToList();
        if (timers.Count < 2)
        {
            return null;
        }

        var (few, many) = (timers[0], timers[^1]);
        var ratio = many.Metrics["timerSeconds"] / few.Metrics["timerSeconds"];
        return new Headline
        {
            Name = F($"timer run time at {many.Metrics["live"]:N0} live ÷ at {few.Metrics["live"]:N0} live ({few.Metrics["lapsed"]:N0} lapsed)"),
            Value = F($"{ratio:0.00} ({many.Metrics["timerSeconds"]:0.000} s ÷ {few.Metrics["timerSeconds"]:0.000} s)"),
            Target = F($"≤ {TimerTarget:0.0}"),
            Met = ratio <= TimerTarget,
        };
    }

    private static IEnumerable<Headline> Memory(IReadOnlyList<RunResult> runs)
    {
        foreach (var run in runs.Where(r => r.Scenario == "heartbeat" && r.Metrics.ContainsKey("workingSetStartMB")))
        {
            var start = run.Metrics["workingSetStartMB"];
            var end = run.Metrics["workingSetEndMB"];
            var growth = (end - start) / start;
            var judged = run.Seconds >= MemoryRunLength.TotalSeconds * 0.98;
            yield return new Headline
            {
                Name = F($"working set over the heartbeat run, c={run.Concurrency} ({run.Seconds:0} s)"),
                Value = F($"{start:0} MB → {end:0} MB ({growth:+0%;-0%}); managed heap {run.Metrics["managedHeapStartMB"]:0} → {run.Metrics["managedHeapEndMB"]:0} MB"),
                Target = "steady over 5 minutes (≤ +10 %)",
                Met = judged ? growth <= 0.10 : null,
                Detail = judged ? null : "not judged: shorter than 5 minutes",
            };
        }
    }

    private static IEnumerable<Headline> Soak(IReadOnlyList<RunResult> runs)
    {
        foreach (var run in runs.Where(r => r.Scenario == "soak"))
        {
            var m = run.Metrics;
            var violations = m.GetValueOrDefault("violations");
            yield return new Headline
            {
                Name = F($"soak c={run.Concurrency}, {m.GetValueOrDefault("restarts"):0} storage restarts: violations"),
                Value = F($"{violations:0} ({m.GetValueOrDefault("invariantSamples"):N0} invariant samples, {m.GetValueOrDefault("invariantViolations"):0} violated; {m.GetValueOrDefault("grantsVerifiedAfterRecovery"):0} answered seat changes verified after recovery)"),
                Target = "0",
                Met = violations == 0,
            };
            var outages = Enumerable.Range(1, (int)m.GetValueOrDefault("restarts"))
                .Select(n => F($"{m.GetValueOrDefault($"outage{n}SecondsToFirst200"):0.00} s ({m.GetValueOrDefault($"outage{n}Unavailable503"):N0} 503s)"));
            yield return new Headline
            {
                Name = "soak: storage back → first 200, per outage",
                Value = string.Join("; ", outages),
                Target = "–",
                Met = null,
                Detail = "measured",
            };
        }
    }

    private static IEnumerable<Headline> SeatRace(IReadOnlyList<RunResult> runs)
    {
        foreach (var run in runs.Where(r => r.Scenario == "seat-race"))
        {
            var m = run.Metrics;
            var checkout = run.Endpoint("request")?.LatencyMs;
            yield return new Headline
            {
                Name = F($"seat race: {m["rounds"]:N0} rounds of {m["contenders"]:0} machines on {m["seats"]:0} seats"),
                Value = F($"{m["overAllocations"]:0} over-allocations, {m["roundsNotExact"]:0} rounds not exactly {m["seats"]:0}; {m["grants"]:N0} grants, max live seen {m["maxLiveSeen"]:0}; checkout p50/p95/p99 {checkout?.P50:0.0}/{checkout?.P95:0.0}/{checkout?.P99:0.0} ms; {run.Seconds:0.0} s"),
                Target = "0 over-allocations, every round exactly its seats",
                Met = m["overAllocations"] == 0 && m["roundsNotExact"] == 0,
            };
        }
    }

    private static IEnumerable<Headline> FullPool(IReadOnlyList<RunResult> runs)
    {
        foreach (var run in runs.Where(r => r.Scenario == "full-pool"))
        {
            var request = run.Endpoint("request");
            var perRefusal = run.Metrics.GetValueOrDefault("storageRequestsPerRefusal");
            var refused = request?.Outcomes.Where(o => o.Key.StartsWith("refused:", StringComparison.Ordinal)).Sum(o => o.Value) ?? 0;
            yield return new Headline
            {
                Name = F($"full pool: storage requests per refused request, {run.Metrics["poolSeats"]:N0} seats held"),
                Value = F($"{perRefusal:0.00} over {refused:N0} refusals of {request?.Requests ?? 0:N0} requests; p99 {request?.LatencyMs.P99:0.0} ms"),
                Target = F($"≤ {FullPoolRefusalTarget:0} on average, every request refused"),
                Met = perRefusal <= FullPoolRefusalTarget && refused == request?.Requests,
            };
        }
    }

    /// <summary>The partition's keep after the loops: the default caps plus less than one trimming batch (40).</summary>
    private static IEnumerable<Headline> Churn(IReadOnlyList<RunResult> runs)
    {
        foreach (var run in runs.Where(r => r.Scenario.StartsWith("churn-", StringComparison.Ordinal)))
        {
            var m = run.Metrics;
            var take = run.Scenario == "churn-activate" ? "activate" : "request";
            var first = run.Endpoint(take + " (first tenth)")?.LatencyMs;
            var last = run.Endpoint(take + " (last tenth)")?.LatencyMs;
            yield return new Headline
            {
                Name = F($"{run.Scenario}: {m["loops"]:N0} loops on one 1-seat license"),
                Value = F($"{m["endedSeatsKept"]:N0} ended seats and {m["eventsKept"]:N0} events kept; {take} p50/p99 {first?.P50:0.0}/{first?.P99:0.0} ms in the first tenth, {last?.P50:0.0}/{last?.P99:0.0} ms in the last; {run.Seconds:0.0} s"),
                Target = F($"at most {ChurnEndedSeatsKept:N0} ended seats and {ChurnEventsKept:N0} events, whatever the loops"),
                Met = m["endedSeatsKept"] <= ChurnEndedSeatsKept && m["eventsKept"] <= ChurnEventsKept,
            };
        }
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
