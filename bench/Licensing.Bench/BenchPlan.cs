using System.Runtime.InteropServices;
using System.Text.Json;
using Licensing.Bench.Infrastructure;
using Licensing.Bench.Load;
using Licensing.Bench.Results;
using Licensing.Bench.Scenarios;

namespace Licensing.Bench;

/// <summary>
/// Runs the chosen scenarios in an order that keeps each server figure next to its floor: per concurrency, the floor's
/// heartbeat pairs then the server's heartbeats; then per concurrency the floor's checkout cycles then the server's;
/// then the activation runs, the timer runs, the seat race and the full pool; the soak last, with an Azurite of its own on disk. Starts an Azurite
/// of its own and stops everything it started.
/// </summary>
public static class BenchPlan
{
    public static async Task RunAsync(BenchOptions options, CancellationToken ct)
    {
        var date = DateTimeOffset.UtcNow;
        var loadAtStart = LoadAverage();
        Progress.Say($"bench: {string.Join(' ', options.CommandLine)} · {Environment.ProcessorCount} cores · {RuntimeInformation.FrameworkDescription}");
        var runs = new List<RunResult>();
        var wants = options.Scenarios.ToHashSet(StringComparer.Ordinal);
        if (wants.Any(s => s != "soak"))
        {
            await using var azurite = await AzuriteProcess.StartAsync(options.AzuritePort, ct).ConfigureAwait(false);
            Progress.Say($"==> Azurite (in memory) on 127.0.0.1:{azurite.Port}, pid {azurite.ProcessId}");
            await RunMeasurementsAsync(new BenchContext(options, azurite), wants, runs, ct).ConfigureAwait(false);
        }

        if (wants.Contains("soak"))
        {
            runs.Add(await SoakScenario.RunAsync(options, ct).ConfigureAwait(false));
        }

        var report = new BenchReport
        {
            Machine = new MachineInfo
            {
                Cores = Environment.ProcessorCount,
                Date = date.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture),
                DotNet = RuntimeInformation.FrameworkDescription,
                Os = RuntimeInformation.OSDescription,
                Azurite = AzuriteVersion(),
                LoadAverage = $"{loadAtStart} at start, {LoadAverage()} at end",
            },
            Command = "bench " + string.Join(' ', options.CommandLine),
            Smoke = options.Smoke,
            Runs = runs,
            Headlines = Headlines.From(runs),
        };
        var (json, markdown) = ResultsWriter.Write(report, options.OutDir, options.ScenarioArgument);
        Console.WriteLine();
        Console.WriteLine(ResultsWriter.Markdown(report));
        Progress.Say($"results: {json}");
        Progress.Say($"         {markdown}");
        if (runs.Where(r => r.Scenario == "soak").Sum(r => r.Metrics.GetValueOrDefault("violations")) is var violations and > 0)
        {
            throw new SoakViolationsException($"the soak found {violations:0} violations (listed above and in {markdown})");
        }
    }

    private static async Task RunMeasurementsAsync(BenchContext context, HashSet<string> wants, List<RunResult> runs, CancellationToken ct)
    {
        var options = context.Options;
        if (wants.Contains("heartbeat") || wants.Contains("floor"))
        {
            await using var fixture = await LeaseFixture.CreateAsync(context, ct).ConfigureAwait(false);
            foreach (var c in options.Concurrency)
            {
                if (wants.Contains("floor"))
                {
                    runs.Add(await FloorScenario.HeartbeatPairsAsync(context, fixture, c, ct).ConfigureAwait(false));
                }

                if (wants.Contains("heartbeat"))
                {
                    runs.Add(await HeartbeatScenario.RunAsync(context, fixture, c, ct).ConfigureAwait(false));
                }
            }

            foreach (var c in options.Concurrency.Where(_ => wants.Contains("floor")))
            {
                runs.Add(await FloorScenario.CheckoutCyclesAsync(context, fixture, c, ct).ConfigureAwait(false));
                if (wants.Contains("checkout"))
                {
                    runs.Add(await CheckoutScenario.RunAsync(context, c, ct).ConfigureAwait(false));
                }
            }
        }

        if (wants.Contains("checkout") && !wants.Contains("floor"))
        {
            foreach (var c in options.Concurrency)
            {
                runs.Add(await CheckoutScenario.RunAsync(context, c, ct).ConfigureAwait(false));
            }
        }

        if (wants.Contains("activate"))
        {
            foreach (var c in options.Concurrency)
            {
                runs.AddRange(await ActivateScenario.RunAsync(context, c, ct).ConfigureAwait(false));
            }
        }

        if (wants.Contains("timer"))
        {
            foreach (var live in options.Live)
            {
                runs.Add(await TimerScenario.RunAsync(context, live, ct).ConfigureAwait(false));
            }
        }

        if (wants.Contains("seat-race"))
        {
            runs.Add(await SeatRaceScenario.RunAsync(context, ct).ConfigureAwait(false));
        }

        if (wants.Contains("webhooks"))
        {
            runs.Add(await WebhookScenario.RunAsync(context, options.Smoke ? 50 : 1000, options.Smoke ? 4 : 8, ct).ConfigureAwait(false));
        }

        if (wants.Contains("burst"))
        {
            runs.AddRange(await BurstScenario.RunAsync(context, options.Smoke ? [10, 20] : [50, 200, 1000], ct).ConfigureAwait(false));
        }

        if (wants.Contains("churn"))
        {
            runs.AddRange(await ChurnScenario.RunAsync(context, ct).ConfigureAwait(false));
        }

        if (wants.Contains("full-pool"))
        {
            runs.Add(await FullPoolScenario.RunAsync(context, options.Concurrency[0], ct).ConfigureAwait(false));
        }
    }

    /// <summary>The 1, 5 and 15 minute load averages (Linux), so a run on a shared, busy machine says so.</summary>
    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
        catch (UnauthorizedAccessException)
        {
            return "unknown";
        }
    }

    private static string AzuriteVersion()
    {
        var package = Path.Combine(RepoRoot.Path, "tools", "azurite", "node_modules", "azurite", "package.json");
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(package));
            return json.RootElement.GetProperty("version").GetString() ?? "?";
        }
        catch (Exception ex) when (ex is IOException or JsonException or KeyNotFoundException)
        {
            return "?";
        }
    }
}

/// <summary>The soak ran to the end and found what must never happen: exit 1, after the results are written.</summary>
public sealed class SoakViolationsException(string message) : Exception(message);
