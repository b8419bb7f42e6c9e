using System.CommandLine;

namespace Licensing.Bench;

/// <summary>Bad input: an unknown scenario or option, a malformed value, a port in use, Azurite missing.</summary>
public sealed class BenchUsageException(string message) : Exception(message);

/// <summary>The command line, checked and with every default filled in.</summary>
public sealed record BenchOptions
{
    /// <summary>What "all" runs: the measurements and the seat race. The soak is a check of another kind, run on its own.</summary>
    public static readonly string[] AllScenarios = [.. BenchCommandLine.ScenarioList.Select(s => s.Name).Where(s => s != "soak")];

    public required IReadOnlyList<string> Scenarios { get; init; }
    public required string ScenarioArgument { get; init; }
    public required TimeSpan Duration { get; init; }
    public long? Requests { get; init; }
    public required TimeSpan WarmUp { get; init; }
    public required IReadOnlyList<int> Concurrency { get; init; }
    public int Leases { get; init; }
    public int Licenses { get; init; }
    public int Seats { get; init; }
    public int? CheckoutLicenses { get; init; }
    public int Heartbeats { get; init; }
    public int Machines { get; init; }
    public int ActivationLicenses { get; init; }
    public double ValidateShare { get; init; }
    public required IReadOnlyList<int> Live { get; init; }
    public int Lapsed { get; init; }
    public TimeSpan SoakDuration { get; init; }
    public int SoakClients { get; init; }
    public int Restarts { get; init; }
    public TimeSpan Outage { get; init; }
    public int Rounds { get; init; }
    public int Contenders { get; init; }
    public int RaceSeats { get; init; }
    public int PoolSeats { get; init; }
    public int Refusals { get; init; }
    public int? Port { get; init; }
    public int? AzuritePort { get; init; }
    public required string OutDir { get; init; }
    public bool Smoke { get; init; }

    /// <summary>Whether the server signs license calls' answers (its default); <c>--unsigned</c> turns it off to price signing.</summary>
    public bool SignAnswers { get; init; } = true;
    public required IReadOnlyList<string> CommandLine { get; init; }

    /// <summary>The options of a parsed command line, every default filled in (smaller ones with <c>--smoke</c>).</summary>
    public static BenchOptions From(ParseResult line, IReadOnlyList<string> args)
    {
        var scenario = line.GetRequiredValue(BenchCommandLine.Scenario);
        var chosen = scenario.Split(',', StringSplitOptions.TrimEntries);
        var smoke = line.GetValue(BenchCommandLine.Smoke);
        var requests = (long?)line.GetValue(BenchCommandLine.Requests);
        var options = new BenchOptions
        {
            ScenarioArgument = scenario,
            Scenarios = chosen.Contains("all") ? [.. AllScenarios, .. chosen.Where(s => s == "soak").Take(1)] : chosen.Distinct().ToArray(),
            // With --requests alone a run ends on its count (an hour at most); with both, on whichever comes first.
            Duration = TimeSpan.FromSeconds(line.GetValue(BenchCommandLine.Duration) ?? (requests is null ? (smoke ? 2 : 30) : 3600)),
            Requests = requests,
            WarmUp = TimeSpan.FromSeconds(line.GetValue(BenchCommandLine.WarmUp) ?? (smoke ? 0.5 : 15)),
            Concurrency = Given(line.GetValue(BenchCommandLine.Concurrency)) ?? (smoke ? [2] : [4, 16]),
            Leases = line.GetValue(BenchCommandLine.Leases) ?? (smoke ? 40 : 2000),
            Licenses = line.GetValue(BenchCommandLine.Licenses) ?? (smoke ? 2 : 20),
            Seats = line.GetValue(BenchCommandLine.Seats) ?? 2,
            CheckoutLicenses = line.GetValue(BenchCommandLine.CheckoutLicenses),
            Heartbeats = line.GetValue(BenchCommandLine.Heartbeats) ?? (smoke ? 1 : 3),
            Machines = line.GetValue(BenchCommandLine.Machines) ?? (smoke ? 40 : 2000),
            ActivationLicenses = line.GetValue(BenchCommandLine.ActivationLicenses) ?? (smoke ? 2 : 10),
            ValidateShare = line.GetValue(BenchCommandLine.ValidateShare) ?? 0.8,
            Live = Given(line.GetValue(BenchCommandLine.Live)) ?? (smoke ? [100, 1000] : [1000, 100_000]),
            Lapsed = line.GetValue(BenchCommandLine.Lapsed) ?? (smoke ? 20 : 1000),
            SoakDuration = TimeSpan.FromSeconds(line.GetValue(BenchCommandLine.SoakDuration) ?? (smoke ? 12 : 180)),
            SoakClients = line.GetValue(BenchCommandLine.SoakClients) ?? (smoke ? 36 : 160),
            Restarts = line.GetValue(BenchCommandLine.Restarts) ?? 2,
            Outage = TimeSpan.FromSeconds(line.GetValue(BenchCommandLine.Outage) ?? (smoke ? 3 : 10)),
            Rounds = line.GetValue(BenchCommandLine.Rounds) ?? (smoke ? 2 : 1000),
            Contenders = line.GetValue(BenchCommandLine.Contenders) ?? (smoke ? 20 : 50),
            RaceSeats = line.GetValue(BenchCommandLine.RaceSeats) ?? (smoke ? 4 : 10),
            PoolSeats = line.GetValue(BenchCommandLine.PoolSeats) ?? (smoke ? 100 : 10_000),
            Refusals = line.GetValue(BenchCommandLine.Refusals) ?? (smoke ? 50 : 1000),
            Port = line.GetValue(BenchCommandLine.Port),
            AzuritePort = line.GetValue(BenchCommandLine.AzuritePort),
            OutDir = line.GetValue(BenchCommandLine.Out) ?? Path.Combine(RepoRoot.Path, "bench", "results"),
            Smoke = smoke,
            SignAnswers = !line.GetValue(BenchCommandLine.Unsigned),
            CommandLine = [.. args],
        };

        if (options.Leases < options.Licenses)
        {
            throw new BenchUsageException($"--leases ({options.Leases}) must be at least --licenses ({options.Licenses})");
        }

        if (options.Leases / options.Licenses > Licensing.Domain.LicenseRules.MaxSeats)
        {
            throw new BenchUsageException($"--leases / --licenses must be at most {Licensing.Domain.LicenseRules.MaxSeats} seats per license");
        }

        if (options.Contenders < options.RaceSeats)
        {
            throw new BenchUsageException($"--contenders ({options.Contenders}) must be at least --race-seats ({options.RaceSeats}), or no round is a race");
        }

        return options;
    }

    /// <summary>A list option's values, or null when it was not given (the parser reads an absent list as empty).</summary>
    private static int[]? Given(int[]? values) => values is { Length: > 0 } ? values : null;

    /// <summary>The clients of a checkout run share this many licenses: few seats, so denials and races happen.</summary>
    public int CheckoutLicensesFor(int concurrency) => CheckoutLicenses ?? Math.Max(1, (concurrency + 3) / 4);
}

/// <summary>The folder holding Licensing.sln, found from the bench's own build output (else the working folder).</summary>
public static class RepoRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(System.IO.Path.Combine(dir.FullName, "Licensing.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
