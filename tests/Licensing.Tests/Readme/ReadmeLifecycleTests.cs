using System.Text.Json;
using Licensing.Tests.Support;

namespace Licensing.Tests.Readme;

/// <summary>
/// The README's borrowing and grace examples (blocks marked <c>lifecycle</c>), run in one bash shell against the local
/// host with the sample admin key, as a reader pastes them.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ReadmeLifecycleTests : IAsyncLifetime
{
    private const string ReadmeBase = "BASE=http://127.0.0.1:7071";

    private ServerFixture _server = null!;

    public async Task InitializeAsync() =>
        _server = await ServerFixture.StartAsync(settings => settings["Licensing:AdminApiKey"] = SampleAdminKey());

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task A_borrow_longer_than_allowed_is_granted_capped_and_a_license_shows_its_grace_period()
    {
        var blocks = ReadmeBlocks.Marked("lifecycle");
        var script = string.Join('\n', blocks.Select(b => b.Text));

        var (steps, run) = await Walkthrough.RunAsync(script.Replace(ReadmeBase, "BASE=" + _server.Http.BaseAddress!.ToString().TrimEnd('/'), StringComparison.Ordinal), TimeSpan.FromMinutes(2));
        string Output(string commandStart) => Assert.Single(steps, s => s.Command.StartsWith(commandStart, StringComparison.Ordinal)).Output;

        Assert.True(run.ExitCode == 0, string.Join("\n", steps) + "\nstderr:\n" + run.StdErr);
        Assert.Equal("", run.StdErr);
        Assert.Equal(2, blocks.Count);
        Assert.Equal("""{"borrowed":true,"activeClientCount":1}""", Output("curl -s -X POST \"$BASE/v1/license/borrow\""));
        Assert.Equal(
            """{"gracePeriod":{"seconds":1209600,"nanos":0},"maxBorrowDuration":{"seconds":0,"nanos":0}}""",
            Assert.Single(steps, s => s.Command.Contains("\"gracePeriod\"", StringComparison.Ordinal)).Output);
    }

    private static string SampleAdminKey()
    {
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "local.settings.sample.json")));
        return sample.RootElement.GetProperty("Values").GetProperty("Licensing__AdminApiKey").GetString()!;
    }
}
