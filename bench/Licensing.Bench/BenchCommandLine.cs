using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Licensing.Bench;

/// <summary>
/// The bench's command line: the scenario and every option, each declared once with its parser; the help is
/// generated from these declarations. A mistake becomes a <see cref="BenchUsageException"/> naming it.
/// </summary>
internal static class BenchCommandLine
{
    /// <summary>Every scenario with what it runs; "all" runs every one but soak.</summary>
    public static readonly (string Name, string Description)[] ScenarioList =
    [
        ("heartbeat", "N live floating leases, C clients heartbeating as fast as they can"),
        ("checkout", "request -> heartbeat x k -> release cycles over licenses with few seats"),
        ("activate", "an activation storm, then a validate-heavy mix"),
        ("floor", "the same storage work straight against Azurite (heartbeat pair, checkout cycle)"),
        ("timer", "the expiry timer's run time with the same lapsed leases among few and many live ones"),
        ("seat-race", "rounds of many machines requesting at once on one small license: exactly its seats granted each round, "
            + "checked in the answers, the stored rows and info"),
        ("webhooks", "seat grants with a seat.* webhook to a loopback receiver, the dispatcher on its default 5 s schedule: "
            + "every event arrives, and the p95 lag from event to arrival"),
        ("full-pool", "one license with every seat held, then requests from new machines, each refused: storage requests per refusal"),
        ("burst", "N concurrent first requests on one license of N seats (50, 200, 1,000), on one instance and on two: wall time "
            + "against N uncontended grants, p50/p99, storage requests per grant, no 5xx and exactly N seats live"),
        ("churn", "1-seat licenses looped activate/deactivate and request/release with new ids, 10,000 times each: latency in "
            + "the first and last tenth, and the ended seats and events the partition keeps under its caps"),
        ("soak", "mixed client traffic while storage (on disk) is stopped and restarted; checks the seat invariants and "
            + "that every answered seat change survives (exit 1 on a violation)"),
    ];

    private static readonly string KnownNames = string.Join(", ", ScenarioList.Select(s => s.Name)) + " or all";

    public static readonly Argument<string> Scenario = new("scenario")
    {
        Description = $"{KnownNames}; or a comma-separated list, e.g. heartbeat,floor. "
            + "all: every scenario but soak, floor and heartbeat interleaved per concurrency",
        CustomParser = ParseScenario,
    };

    public static readonly Option<double?> Duration = Number("--duration", "S", "seconds per run (default 30; --smoke 2)", 0.1, 86_400);
    public static readonly Option<double?> WarmUp = Number("--warmup", "S",
        "unmeasured seconds of the same load before each run, so the JIT has tiered up and pools are warm (default 15; --smoke 0.5)", 0, 600);
    public static readonly Option<double?> Requests = Number("--requests", "N",
        "operations per run instead of a duration (a heartbeat, a floor pair, a checkout cycle, an activate-mix call)", 1, 1e12);
    public static readonly Option<int[]> Concurrency = WholeList("--concurrency", "C[,C..]", "concurrent clients, one run per value (default 4,16; --smoke 2)", 1, 1024);
    public static readonly Option<int?> Leases = Whole("--leases", "N", "heartbeat: live leases (default 2000)", 1, 1_000_000);
    public static readonly Option<int?> Licenses = Whole("--licenses", "N", "heartbeat: licenses they spread over (default 20)", 1, 100_000);
    public static readonly Option<int?> Seats = Whole("--seats", "N", "checkout: seats per license (default 2)", 1, 100_000);
    public static readonly Option<int?> CheckoutLicenses = Whole("--checkout-licenses", "N", "checkout: licenses (default: one per 4 clients)", 1, 10_000);
    public static readonly Option<int?> Heartbeats = Whole("--heartbeats", "K", "checkout: heartbeats per cycle (default 3)", 0, 1000);
    public static readonly Option<int?> Machines = Whole("--machines", "N", "activate: machines in the storm (default 2000)", 1, 1_000_000);
    public static readonly Option<int?> ActivationLicenses = Whole("--activation-licenses", "N", "activate: licenses (default 10; 90% of the machines fit)", 1, 10_000);
    public static readonly Option<double?> ValidateShare = Number("--validate-share", "F", "activate: share of validate calls in the mix (default 0.8)", 0, 1);
    public static readonly Option<int[]> Live = WholeList("--live", "N[,N..]", "timer: live leases, one run per value (default 1000,100000)", 1, 10_000_000);
    public static readonly Option<int?> Lapsed = Whole("--lapsed", "N",
        $"timer: lapsed leases in every run (default 1000, at most {Licensing.Expiry.LeaseExpiryService.MaxEntriesPerRun})", 1, Licensing.Expiry.LeaseExpiryService.MaxEntriesPerRun);
    public static readonly Option<double?> SoakDuration = Number("--soak-duration", "S",
        "soak: seconds of traffic with storage up, split around the restarts (default 180; --smoke 12)", 1, 86_400);

    // One query page holds every seat row of the soak, so a sample is one consistent read.
    public static readonly Option<int?> SoakClients = Whole("--soak-clients", "N",
        "soak: clients, 3/4 floating pairs, 1/4 node-locked machines (default 160; --smoke 36)", 4, 800);
    public static readonly Option<int?> Restarts = Whole("--restarts", "N", "soak: times storage is stopped and started again (default 2)", 0, 100);
    public static readonly Option<double?> Outage = Number("--outage", "S", "soak: least seconds storage stays down each time (default 10; --smoke 3)", 0, 3600);
    public static readonly Option<int?> Rounds = Whole("--rounds", "N", "seat-race: rounds (default 1000; --smoke 2)", 1, 1_000_000);
    public static readonly Option<int?> Contenders = Whole("--contenders", "N", "seat-race: machines requesting at once each round (default 50; --smoke 20)", 1, 1000);
    public static readonly Option<int?> RaceSeats = Whole("--race-seats", "N", "seat-race: seats of the license (default 10; --smoke 4)", 1, Licensing.Domain.LicenseRules.MaxSeats);
    public static readonly Option<int?> PoolSeats = Whole("--pool-seats", "N", "full-pool: seats of the full license (default 10000; --smoke 100)", 1, Licensing.Domain.LicenseRules.MaxSeats);
    public static readonly Option<int?> Refusals = Whole("--refusals", "N", "full-pool: refused requests measured (default 1000; --smoke 50)", 1, 1_000_000);
    public static readonly Option<int?> Port = Whole("--port", "P", "the server's port on 127.0.0.1 (default: a free one)", 1, 65_535);
    public static readonly Option<int?> AzuritePort = Whole("--azurite-port", "P", "Azurite's port on 127.0.0.1 (default: a free one)", 1, 65_535);
    public static readonly Option<string> Out = new("--out") { HelpName = "DIR", Description = "where results go (default bench/results)" };
    public static readonly Option<bool> Unsigned = new("--unsigned")
    {
        Description = "the server runs with Licensing:SignAnswers off (no RFC 9421 signature on license calls' answers), to price signing",
        Arity = ArgumentArity.Zero,
    };

    public static readonly Option<bool> Smoke = new("--smoke") { Description = "tiny sizes, a couple of seconds per run (the CI check)", Arity = ArgumentArity.Zero };

    /// <summary>Parses <paramref name="args"/> and runs <paramref name="run"/> with the options, or prints the help.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, Func<BenchOptions, Task> run)
    {
        var scenarios = ScenarioList.Select(s => $"  {s.Name,-10}  {s.Description}");
        var root = new RootCommand(string.Join(Environment.NewLine, ["The load harness: it starts its own Azurite and server, drives them, and writes results.", "", "Scenarios:", .. scenarios]))
        {
            HelpName = "dotnet run -c Release --project bench/Licensing.Bench --",
        };
        root.Arguments.Add(Scenario);
        foreach (var option in new Option[]
        {
            Duration, WarmUp, Requests, Concurrency, Leases, Licenses, Seats, CheckoutLicenses, Heartbeats, Machines, ActivationLicenses,
            ValidateShare, Live, Lapsed, SoakDuration, SoakClients, Restarts, Outage, Rounds, Contenders, RaceSeats, PoolSeats, Refusals, Port, AzuritePort, Out, Unsigned, Smoke,
        })
        {
            root.Options.Add(option);
        }

        root.Options.Remove(root.Options.Single(o => o is VersionOption));
        var help = new Command("help", "Show this help.") { Hidden = true };
        help.SetAction(result => root.Parse(["--help"]).Invoke(result.InvocationConfiguration));
        root.Subcommands.Add(help);
        root.SetAction(async (result, _) =>
        {
            await run(BenchOptions.From(result, args));
            return 0;
        });

        var line = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (line.Action is ParseErrorAction)
        {
            throw new BenchUsageException(Describe(line));
        }

        // Failures reach Program's handlers; Program stops the bench on Ctrl-C itself.
        return await line.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
    }

    /// <summary>The first mistake of a command line that did not parse.</summary>
    private static string Describe(ParseResult line)
    {
        if (line.UnmatchedTokens.Count > 0)
        {
            var stray = line.UnmatchedTokens[0];
            return stray.StartsWith("--", StringComparison.Ordinal) && stray.Length > 2
                ? $"unknown option {stray.Split('=', 2)[0]} (--help lists them)"
                : $"unexpected argument '{stray}' (options start with --)";
        }

        var error = line.Errors[0];
        if ((error.SymbolResult as OptionResult ?? error.SymbolResult?.Parent as OptionResult) is { } option)
        {
            return option.Tokens.Count == 0 ? $"option {option.Option.Name} needs a value"
                : option.Tokens.Count > 1 ? $"option {option.Option.Name} given twice"
                : error.Message;
        }

        return line.GetResult(Scenario) is { Tokens.Count: > 0 } ? error.Message : $"no scenario given ({KnownNames}; --help for more)";
    }

    private static string ParseScenario(ArgumentResult value)
    {
        var text = value.Tokens[0].Value;
        var unknown = text.Split(',', StringSplitOptions.TrimEntries).FirstOrDefault(s => s != "all" && !ScenarioList.Any(k => k.Name == s));
        if (unknown is not null)
        {
            value.AddError($"unknown scenario '{unknown}' ({KnownNames})");
        }

        return text;
    }

    private static Option<double?> Number(string name, string valueName, string description, double min, double max) =>
        Valued<double?>(name, valueName, description, value => ParseNumber(value, value.Tokens[0].Value, min, max));

    private static Option<int?> Whole(string name, string valueName, string description, int min, int max) =>
        Valued<int?>(name, valueName, description, value => ParseWhole(value, value.Tokens[0].Value, min, max));

    /// <summary>A comma-separated list of whole numbers (<c>4,16</c>), each once.</summary>
    private static Option<int[]> WholeList(string name, string valueName, string description, int min, int max) =>
        Valued(name, valueName, description, value =>
        {
            var text = value.Tokens[0].Value;
            var items = text.Split(',', StringSplitOptions.TrimEntries);
            if (items.Any(i => i.Length == 0))
            {
                value.AddError($"{name} takes a number or a comma-separated list, not '{text}'");
                return [];
            }

            return items.Select(i => ParseWhole(value, i, min, max)).Distinct().ToArray();
        });

    private static Option<T> Valued<T>(string name, string valueName, string description, Func<ArgumentResult, T> parse) =>
        new(name) { HelpName = valueName, Description = description, CustomParser = parse };

    private static double ParseNumber(ArgumentResult value, string text, double min, double max)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max)
        {
            return number;
        }

        value.AddError($"{OptionName(value)} must be a number from {min} to {max}, not '{text}'");
        return 0;
    }

    private static int ParseWhole(ArgumentResult value, string text, int min, int max)
    {
        if (int.TryParse(text.Replace("_", "", StringComparison.Ordinal), NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            && number >= min && number <= max)
        {
            return number;
        }

        value.AddError($"{OptionName(value)} must be a whole number from {min} to {max}, not '{text}'");
        return 0;
    }

    private static string OptionName(ArgumentResult value) => ((OptionResult)value.Parent!).Option.Name;
}
