using Licensing.Tests.Support;

namespace Licensing.Tests.Bench;

/// <summary>
/// The load harness's command line (bench/Licensing.Bench), run as a real process: a mistake is one line on stderr
/// with exit code 2 before anything starts, and the help lists every option the bench's README documents.
/// </summary>
[Collection(SlowTests.Name)]
[Trait("Category", "Slow")]
public sealed class BenchUsageTests
{
    private static readonly string BenchDll = Path.Combine(
        RepoPaths.Root, "bench", "Licensing.Bench", "bin", RepoPaths.Configuration, "net10.0", "Licensing.Bench.dll");

    private static readonly string[] Options =
    [
        "--duration", "--warmup", "--requests", "--concurrency", "--leases", "--licenses", "--seats", "--checkout-licenses", "--heartbeats",
        "--machines", "--activation-licenses", "--validate-share", "--live", "--lapsed", "--soak-duration", "--soak-clients", "--restarts",
        "--outage", "--rounds", "--contenders", "--race-seats", "--port", "--azurite-port", "--out", "--smoke",
    ];

    [Theory]
    [InlineData("no scenario given (heartbeat, checkout, activate, floor, timer, seat-race, webhooks, full-pool, burst, churn, soak or all; --help for more)")]
    [InlineData("unknown scenario 'stampede' (heartbeat, checkout, activate, floor, timer, seat-race, webhooks, full-pool, burst, churn, soak or all)", "heartbeat,stampede")]
    [InlineData("unknown option --colour (--help lists them)", "heartbeat", "--colour", "red")]
    [InlineData("unexpected argument 'extra' (options start with --)", "heartbeat", "extra")]
    [InlineData("option --leases needs a value", "heartbeat", "--leases")]
    [InlineData("option --leases given twice", "heartbeat", "--leases", "100", "--leases", "200")]
    [InlineData("--leases must be a whole number from 1 to 1000000, not 'many'", "heartbeat", "--leases", "many")]
    [InlineData("--duration must be a number from 0.1 to 86400, not '0'", "heartbeat", "--duration", "0")]
    [InlineData("--concurrency takes a number or a comma-separated list, not '4,,16'", "heartbeat", "--concurrency", "4,,16")]
    [InlineData("--concurrency must be a whole number from 1 to 1024, not '0'", "heartbeat", "--concurrency", "4,0")]
    [InlineData("--leases (10) must be at least --licenses (20)", "heartbeat", "--leases", "10", "--licenses", "20")]
    [InlineData("--contenders (3) must be at least --race-seats (4), or no round is a race", "seat-race", "--contenders", "3", "--race-seats", "4")]
    public async Task A_mistake_on_the_line_exits_2_with_one_line_that_names_it(string mistake, params string[] args)
    {
        var result = await RunAsync(args);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"bench: {mistake}\n", result.StdErr);
        Assert.Equal("", result.StdOut);
    }

    [Fact]
    public async Task The_help_lists_every_option_and_scenario_and_exits_0()
    {
        var help = await RunAsync("--help");

        Assert.Equal(0, help.ExitCode);
        var lines = help.StdOut.Split('\n').Select(l => l.Trim()).ToList();
        Assert.Equal(25, Options.Length);
        foreach (var option in Options)
        {
            Assert.Contains(lines, l => l.StartsWith(option + " ", StringComparison.Ordinal));
        }

        Assert.Contains(lines, l => l.StartsWith("seat-race ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("soak ", StringComparison.Ordinal));
        Assert.Equal("", help.StdErr);
    }

    private static Task<ProcessResult> RunAsync(params string[] args)
    {
        Assert.True(File.Exists(BenchDll), $"The bench is not built at {BenchDll}");
        return ProcessRun.RunAsync("dotnet", [BenchDll, .. args], timeout: TimeSpan.FromMinutes(1));
    }
}
