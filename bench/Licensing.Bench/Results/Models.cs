namespace Licensing.Bench.Results;

/// <summary>Everything one bench invocation measured, as written to the JSON file.</summary>
public sealed class BenchReport
{
    public required MachineInfo Machine { get; init; }
    public required string Command { get; init; }
    public required bool Smoke { get; init; }
    public required List<RunResult> Runs { get; init; }
    public required List<Headline> Headlines { get; init; }
}

public sealed class MachineInfo
{
    public required int Cores { get; init; }
    public required string Date { get; init; }
    public required string DotNet { get; init; }
    public required string Os { get; init; }
    public required string Azurite { get; init; }

    /// <summary>The machine's load averages (1, 5, 15 min) at the start and end of the invocation.</summary>
    public string LoadAverage { get; init; } = "unknown";
}

/// <summary>One run: a scenario at one concurrency (or, for the timer, one number of live leases).</summary>
public sealed class RunResult
{
    public required string Scenario { get; init; }
    public required string Label { get; init; }
    public int Concurrency { get; init; }
    public double Seconds { get; init; }
    public long Operations { get; init; }
    public double OperationsPerSecond { get; init; }
    public required List<EndpointResult> Endpoints { get; init; }
    public Dictionary<string, double> Metrics { get; init; } = [];
    public List<string> Notes { get; init; } = [];

    public EndpointResult? Endpoint(string name) => Endpoints.FirstOrDefault(e => e.Name == name);
}

public sealed class EndpointResult
{
    public required string Name { get; init; }
    public long Requests { get; init; }
    public double RequestsPerSecond { get; init; }
    public required LatencyMs LatencyMs { get; init; }
    public Dictionary<string, long> Errors { get; init; } = [];
    public Dictionary<string, long> Outcomes { get; init; } = [];
    public StorageResult? Storage { get; set; }
}

public sealed class LatencyMs
{
    public double P50 { get; init; }
    public double P95 { get; init; }
    public double P99 { get; init; }
    public double Max { get; init; }
    public double Mean { get; init; }
}

/// <summary>Storage round trips of one endpoint's calls, as the counting pipeline policy saw them.</summary>
public sealed class StorageResult
{
    public long Calls { get; init; }
    public long RoundTrips { get; init; }
    public double RoundTripsPerCall { get; init; }
    public int? Budget { get; init; }

    /// <summary>412 on a single write, or a 404/409/412 inside a transaction: a lost ETag race the call retried.</summary>
    public long LostEtagRaces { get; init; }
    public long CallsWithRetries { get; init; }

    /// <summary>API-key lookups (the key cache holds a key 60 s): not part of the per-call budget.</summary>
    public long ApiKeyReads { get; init; }
    public long MaxWithoutRetry { get; init; }

    /// <summary>Calls that lost no race and still took more round trips than the budget (API-key lookups aside).</summary>
    public long OverBudgetWithoutRetry { get; init; }

    /// <summary>Round trips (API-key lookups aside) → calls, over the calls that lost no race.</summary>
    public Dictionary<string, long> Distribution { get; init; } = [];
}

/// <summary>A headline figure of the issue, with its target and whether this run met it.</summary>
public sealed class Headline
{
    public required string Name { get; init; }
    public required string Value { get; init; }
    public required string Target { get; init; }

    /// <summary>true met, false missed, null not judged (too short a run, a missing pair).</summary>
    public bool? Met { get; init; }
    public string? Detail { get; init; }
}
