using System.Text.Json;
using Licensing.Tests.Support;

namespace Licensing.Tests.Bench;

/// <summary>
/// The load harness (bench/Licensing.Bench), run as a real process at its smoke size: it starts its own Azurite and
/// server, runs every scenario once, and writes results that parse. Only that it works is checked, never a figure.
/// </summary>
[Collection(SlowTests.Name)]
[Trait("Category", "Slow")]
public sealed class BenchSmokeTests
{
    private static readonly string BenchDll = Path.Combine(
        RepoPaths.Root, "bench", "Licensing.Bench", "bin", RepoPaths.Configuration, "net10.0", "Licensing.Bench.dll");

    private static readonly string[] Scenarios = ["heartbeat", "floor-heartbeat", "checkout", "floor-checkout", "activate-storm", "activate-mix", "timer", "seat-race", "webhooks", "full-pool", "burst", "churn-activate", "churn-lease"];

    [Fact]
    public async Task A_smoke_run_of_every_scenario_exits_0_and_writes_results_with_every_scenario()
    {
        var output = Directory.CreateTempSubdirectory("bench-smoke-");
        try
        {
            var run = await ProcessRun.RunAsync("dotnet", [BenchDll, "all", "--smoke", "--out", output.FullName], timeout: TimeSpan.FromMinutes(3));

            Assert.True(run.ExitCode == 0, run.ToString());
            var json = Assert.Single(output.GetFiles("*.json"));
            Assert.Single(output.GetFiles("*.md"));
            using var report = JsonDocument.Parse(await File.ReadAllTextAsync(json.FullName));
            var root = report.RootElement;
            Assert.True(root.GetProperty("machine").GetProperty("cores").GetInt32() > 0);
            var runs = root.GetProperty("runs").EnumerateArray().ToList();
            foreach (var scenario in Scenarios)
            {
                var ofScenario = runs.Where(r => r.GetProperty("scenario").GetString() == scenario).ToList();
                Assert.True(ofScenario.Count > 0, $"no {scenario} run in {json.FullName}\n{run}");
                Assert.All(ofScenario, r => Assert.True(
                    r.GetProperty("operations").GetInt64() > 0 && r.GetProperty("endpoints").EnumerateArray().All(e => e.GetProperty("requests").GetInt64() > 0),
                    $"{scenario}: {r.GetRawText()}"));
            }

            Assert.NotEmpty(root.GetProperty("headlines").EnumerateArray());
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task An_unknown_scenario_exits_non_zero_with_one_line_on_stderr()
    {
        var run = await ProcessRun.RunAsync("dotnet", [BenchDll, "stampede"], timeout: TimeSpan.FromMinutes(1));

        Assert.NotEqual(0, run.ExitCode);
        var line = Assert.Single(run.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("stampede", line);
    }
}
