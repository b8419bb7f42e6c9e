using System.Text.Json;
using Licensing.Tests.Support;

namespace Licensing.Tests.Readme;

/// <summary>The README's seat usage example (the block marked <c>usage</c>), run in bash against the local host as a reader pastes it.</summary>
[Trait("Category", "Slow")]
public sealed class ReadmeUsageTests : IAsyncLifetime
{
    private const string ReadmeBase = "BASE=http://127.0.0.1:7071";

    private ServerFixture _server = null!;

    public async Task InitializeAsync() =>
        _server = await ServerFixture.StartAsync(settings => settings["Licensing:AdminApiKey"] = SampleAdminKey());

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task One_seat_granted_and_one_refused_show_in_the_current_hour()
    {
        var block = Assert.Single(ReadmeBlocks.Marked("usage"));

        var (steps, run) = await Walkthrough.RunAsync(block.Text.Replace(ReadmeBase, "BASE=" + _server.Http.BaseAddress!.ToString().TrimEnd('/'), StringComparison.Ordinal), TimeSpan.FromMinutes(2));

        Assert.True(run.ExitCode == 0, string.Join("\n", steps) + "\nstderr:\n" + run.StdErr);
        Assert.Equal("", run.StdErr);
        Assert.Equal(
            """{"peakSeats":1,"grants":1,"denials":1}""",
            Assert.Single(steps, s => s.Command.StartsWith("curl -s \"$BASE/v1/admin/licenses/$LICENSE_ID/usage\"", StringComparison.Ordinal)).Output);
        Assert.Equal(
            ["true null", "false seats_exhausted"],
            steps.Where(s => s.Command.StartsWith("curl -s -X POST \"$BASE/v1/license/request\"", StringComparison.Ordinal)).Select(s => s.Output));
    }

    private static string SampleAdminKey()
    {
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "local.settings.sample.json")));
        return sample.RootElement.GetProperty("Values").GetProperty("Licensing__AdminApiKey").GetString()!;
    }
}
