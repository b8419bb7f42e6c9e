using System.Globalization;

namespace Licensing.Bench;

/// <summary>Bad input: an unknown scenario or option, a malformed value, a port in use, Azurite missing.</summary>
public sealed class BenchUsageException(string message) : Exception(message);

/// <summary>The command line, checked and with every default filled in.</summary>
public sealed record BenchOptions
{
    public const string Usage = """
        usage: dotnet run -c Release --project bench/Licensing.Bench -- <scenario> [options]

        scenarios:
          heartbeat   N live floating leases, C clients heartbeating as fast as they can
          checkout    request -> heartbeat x k -> release cycles over licenses with few seats
          activate    an activation storm, then a validate-heavy mix
          floor       the same storage work straight against Azurite (heartbeat pair, checkout cycle)
          timer       the expiry timer's run time with the same lapsed leases among few and many live ones
          soak        mixed client traffic while storage (on disk) is stopped and restarted; checks the
                      seat invariants and that every answered seat change survives (exit 1 on a violation)
          seat-race   rounds of many machines requesting at once on one small license: exactly its
                      seats granted each round, checked in the answers, the stored rows and info
          all         every scenario but soak; floor and heartbeat interleaved per concurrency
                      (or a comma-separated list, e.g. heartbeat,floor)

        options:
          --duration S            seconds per run (default 30; --smoke 2)
          --warmup S              unmeasured seconds of the same load before each run, so the
                                  JIT has tiered up and pools are warm (default 15; --smoke 0.5)
          --requests N            operations per run instead of a duration (a heartbeat, a floor pair,
                                  a checkout cycle, an activate-mix call)
          --concurrency C[,C..]   concurrent clients, one run per value (default 4,16; --smoke 2)
          --leases N              heartbeat: live leases (default 2000)
          --licenses N            heartbeat: licenses they spread over (default 20)
          --seats N               checkout: seats per license (default 2)
          --checkout-licenses N   checkout: licenses (default: one per 4 clients)
          --heartbeats K          checkout: heartbeats per cycle (default 3)
          --machines N            activate: machines in the storm (default 2000)
          --activation-licenses N activate: licenses (default 10; 90% of the machines fit)
          --validate-share F      activate: share of validate calls in the mix (default 0.8)
          --live N[,N..]          timer: live leases, one run per value (default 1000,100000)
          --lapsed N              timer: lapsed leases in every run (default 1000, at most 5000)
          --soak-duration S       soak: seconds of traffic with storage up, split around the
                                  restarts (default 180; --smoke 12)
          --soak-clients N        soak: clients, 3/4 floating pairs, 1/4 node-locked machines
                                  (default 160; --smoke 36)
          --restarts N            soak: times storage is stopped and started again (default 2)
          --outage S              soak: least seconds storage stays down each time (default 10; --smoke 3)
          --rounds N              seat-race: rounds (default 1000; --smoke 2)
          --contenders N          seat-race: machines requesting at once each round (default 50; --smoke 20)
          --race-seats N          seat-race: seats of the license (default 10; --smoke 4)
          --port P                the server's port on 127.0.0.1 (default: a free one)
          --azurite-port P        Azurite's port on 127.0.0.1 (default: a free one)
          --out DIR               where results go (default bench/results)
          --smoke                 tiny sizes, a couple of seconds per run (the CI check)
        """;

    /// <summary>What "all" runs: the measurements and the seat race. The soak is a check of another kind, run on its own.</summary>
    public static readonly string[] AllScenarios = ["heartbeat", "checkout", "activate", "floor", "timer", "seat-race"];

    public static readonly string[] KnownScenarios = [.. AllScenarios, "soak"];

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
    public int? Port { get; init; }
    public int? AzuritePort { get; init; }
    public required string OutDir { get; init; }
    public bool Smoke { get; init; }
    public required IReadOnlyList<string> CommandLine { get; init; }

    /// <summary>The options, or null when help was asked for.</summary>
    public static BenchOptions? Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0)
        {
            throw new BenchUsageException("no scenario given (heartbeat, checkout, activate, floor, timer, seat-race, soak or all; --help for more)");
        }

        if (args[0] is "-h" or "--help" or "help")
        {
            return null;
        }

        var scenario = args[0];
        if (scenario.StartsWith('-'))
        {
            throw new BenchUsageException($"the first argument must be a scenario, not the option {scenario}");
        }

        var chosen = scenario.Split(',', StringSplitOptions.TrimEntries);
        if (chosen.FirstOrDefault(s => s != "all" && !KnownScenarios.Contains(s)) is { } unknown)
        {
            throw new BenchUsageException($"unknown scenario '{unknown}' (heartbeat, checkout, activate, floor, timer, seat-race, soak or all)");
        }

        var values = ReadOptions(args.Skip(1).ToArray());
        var smoke = values.Remove("smoke");
        var requests = TakeOptional(values, "requests", s => (long)Number(s, "requests", 1, 1e12));
        // With --requests alone a run ends on its count (an hour at most); with both, on whichever comes first.
        var seconds = Take(values, "duration", s => Number(s, "duration", 0.1, 86_400), requests is null ? (smoke ? 2 : 30) : 3600);
        var options = new BenchOptions
        {
            ScenarioArgument = scenario,
            Scenarios = chosen.Contains("all") ? [.. AllScenarios, .. chosen.Where(s => s == "soak").Take(1)] : chosen.Distinct().ToArray(),
            Duration = TimeSpan.FromSeconds(seconds),
            Requests = requests,
            WarmUp = TimeSpan.FromSeconds(Take(values, "warmup", s => Number(s, "warmup", 0, 600), smoke ? 0.5 : 15)),
            Concurrency = Take(values, "concurrency", s => List(s, "concurrency", 1, 1024), smoke ? [2] : [4, 16]),
            Leases = Take(values, "leases", s => Integer(s, "leases", 1, 1_000_000), smoke ? 40 : 2000),
            Licenses = Take(values, "licenses", s => Integer(s, "licenses", 1, 100_000), smoke ? 2 : 20),
            Seats = Take(values, "seats", s => Integer(s, "seats", 1, 100_000), 2),
            CheckoutLicenses = TakeOptional(values, "checkout-licenses", s => Integer(s, "checkout-licenses", 1, 10_000)),
            Heartbeats = Take(values, "heartbeats", s => Integer(s, "heartbeats", 0, 1000), smoke ? 1 : 3),
            Machines = Take(values, "machines", s => Integer(s, "machines", 1, 1_000_000), smoke ? 40 : 2000),
            ActivationLicenses = Take(values, "activation-licenses", s => Integer(s, "activation-licenses", 1, 10_000), smoke ? 2 : 10),
            ValidateShare = Take(values, "validate-share", s => Number(s, "validate-share", 0, 1), 0.8),
            Live = Take(values, "live", s => List(s, "live", 1, 10_000_000), smoke ? [100, 1000] : [1000, 100_000]),
            Lapsed = Take(values, "lapsed", s => Integer(s, "lapsed", 1, Licensing.Expiry.LeaseExpiryService.MaxEntriesPerRun), smoke ? 20 : 1000),
            SoakDuration = TimeSpan.FromSeconds(Take(values, "soak-duration", s => Number(s, "soak-duration", 1, 86_400), smoke ? 12 : 180)),
            // One query page holds every seat row of the soak, so a sample is one consistent read.
            SoakClients = Take(values, "soak-clients", s => Integer(s, "soak-clients", 4, 800), smoke ? 36 : 160),
            Restarts = Take(values, "restarts", s => Integer(s, "restarts", 0, 100), 2),
            Outage = TimeSpan.FromSeconds(Take(values, "outage", s => Number(s, "outage", 0, 3600), smoke ? 3 : 10)),
            Rounds = Take(values, "rounds", s => Integer(s, "rounds", 1, 1_000_000), smoke ? 2 : 1000),
            Contenders = Take(values, "contenders", s => Integer(s, "contenders", 1, 1000), smoke ? 20 : 50),
            RaceSeats = Take(values, "race-seats", s => Integer(s, "race-seats", 1, Licensing.Domain.LicenseRules.MaxSeats), smoke ? 4 : 10),
            Port = TakeOptional(values, "port", s => Integer(s, "port", 1, 65_535)),
            AzuritePort = TakeOptional(values, "azurite-port", s => Integer(s, "azurite-port", 1, 65_535)),
            OutDir = Take(values, "out", s => s, Path.Combine(RepoRoot.Path, "bench", "results")),
            Smoke = smoke,
            CommandLine = [.. args],
        };

        if (values.Count > 0)
        {
            throw new BenchUsageException($"option --{values.Keys.First()} does not apply here");
        }

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

    /// <summary>The clients of a checkout run share this many licenses: few seats, so denials and races happen.</summary>
    public int CheckoutLicensesFor(int concurrency) => CheckoutLicenses ?? Math.Max(1, (concurrency + 3) / 4);

    private static readonly HashSet<string> Known =
    [
        "duration", "warmup", "requests", "concurrency", "leases", "licenses", "seats", "checkout-licenses", "heartbeats", "machines",
        "activation-licenses", "validate-share", "live", "lapsed", "soak-duration", "soak-clients", "restarts", "outage", "rounds", "contenders", "race-seats", "port", "azurite-port", "out", "smoke",
    ];

    private static Dictionary<string, string> ReadOptions(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                throw new BenchUsageException($"unexpected argument '{arg}' (options start with --)");
            }

            var (name, value) = arg.IndexOf('=', StringComparison.Ordinal) is var eq and > 0 ? (arg[2..eq], arg[(eq + 1)..]) : (arg[2..], null);
            if (!Known.Contains(name))
            {
                throw new BenchUsageException($"unknown option --{name} (--help lists them)");
            }

            if (name == "smoke")
            {
                values[name] = "";
                continue;
            }

            if (value is null)
            {
                if (i + 1 >= args.Length)
                {
                    throw new BenchUsageException($"option --{name} needs a value");
                }

                value = args[++i];
            }

            if (!values.TryAdd(name, value))
            {
                throw new BenchUsageException($"option --{name} given twice");
            }
        }

        return values;
    }

    private static T Take<T>(Dictionary<string, string> values, string name, Func<string, T> parse, T fallback) =>
        values.Remove(name, out var text) ? parse(text) : fallback;

    private static T? TakeOptional<T>(Dictionary<string, string> values, string name, Func<string, T> parse)
        where T : struct =>
        values.Remove(name, out var text) ? parse(text) : null;

    private static double Number(string text, string name, double min, double max) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new BenchUsageException($"--{name} must be a number from {min} to {max}, not '{text}'");

    private static int Integer(string text, string name, int min, int max) =>
        int.TryParse(text.Replace("_", "", StringComparison.Ordinal), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new BenchUsageException($"--{name} must be a whole number from {min} to {max}, not '{text}'");

    private static int[] List(string text, string name, int min, int max)
    {
        var items = text.Split(',', StringSplitOptions.TrimEntries);
        return items.Length == 0 || items.Any(i => i.Length == 0)
            ? throw new BenchUsageException($"--{name} takes a number or a comma-separated list, not '{text}'")
            : items.Select(i => Integer(i, name, min, max)).Distinct().ToArray();
    }
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
