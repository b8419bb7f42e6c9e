using Licensing.Tests.Support;

namespace Licensing.Tests.Readme;

/// <summary>
/// docs/metering.md's walk-through (the blocks marked <c>metering</c>, then <c>metering-cli</c> with the built CLI as
/// <c>licensing</c>), run in one bash shell against the local host with the sample admin key, as a reader pastes it.
/// </summary>
[Trait("Category", "Slow")]
[Collection(SlowTests.Name)]
public sealed class DocsMeteringTests : ReadmeBlockTests
{
    [Fact]
    public async Task Uses_are_counted_once_flagged_past_the_limit_refused_past_the_overage_shown_by_validate_reset_and_managed_by_the_cli()
    {
        var script = $"licensing() {{ dotnet \"{CliPaths.Dll}\" \"$@\"; }}\n" + ScriptOf(("metering", 2), ("metering-cli", 1));
        var (steps, run) = await Walkthrough.RunAsync(script, TimeSpan.FromMinutes(2));

        Assert.True(run.ExitCode == 0, string.Join("\n", steps) + "\nstderr:\n" + run.StdErr);
        Assert.Equal("", run.StdErr);
        var uses = steps.Where(s => s.Command.StartsWith("curl -s -X POST \"$BASE/v1/license/usage\"", StringComparison.Ordinal)).Select(s => s.Output).ToList();
        Assert.Equal(
            [
                """{"recorded":true,"used":9,"remaining":1,"overage":false,"duplicate":false,"reason":null}""",
                """{"recorded":true,"used":11,"remaining":0,"overage":true,"duplicate":false,"reason":null}""",
                """{"recorded":true,"used":11,"remaining":0,"overage":true,"duplicate":true,"reason":null}""",
                """{"recorded":false,"used":11,"remaining":0,"overage":false,"duplicate":false,"reason":"usage_limit_reached"}""",
            ],
            uses);
        Assert.Equal("""{"code":"exports","used":11,"limit":10,"remaining":0}""", Output(steps, "curl -s -X POST \"$BASE/v1/license/validate\""));
        Assert.Equal("""{"code":"exports","used":0,"remaining":10}""", Output(steps, "curl -s -X POST \"$BASE/v1/admin/licenses/$LICENSE_ID/meters/exports/reset\""));

        // The server's clock starts at 2026-03-02 09:00 UTC: the month ends on 1 April.
        Assert.Equal(
            ["exports 0 20 20 2 month 2026-04-01T00:00:00Z", "api-calls 0 unlimited - 0 never -"],
            MeterRows(Output(steps, "licensing licenses update")));
        Assert.Equal(
            ["HOUR PEAK SEATS GRANTS DENIALS METERED", "2026-03-02T09:00:00Z 0 0 0 exports=11"],
            Output(steps, "licensing licenses usage").Split('\n').Select(Cells));
        Assert.Equal(
            ["exports 0 20 20 2 month 2026-04-01T00:00:00Z", "api-calls 0 unlimited - 0 never -"],
            MeterRows(Output(steps, "licensing licenses reset-meter")));
    }

    /// <summary>The rows of the meters table under a license's fields, each as its cells joined by one space.</summary>
    private static List<string> MeterRows(string output)
    {
        var lines = output.Split('\n').ToList();
        var header = lines.FindIndex(l => l.StartsWith("METER ", StringComparison.Ordinal));
        Assert.True(header >= 0, "no meters table in:\n" + output);
        return lines.Skip(header + 1).TakeWhile(l => l.Length > 0).Select(Cells).ToList();
    }

    private static string Cells(string line) => string.Join(' ', line.Split(' ', StringSplitOptions.RemoveEmptyEntries));
}
