using System.Text.Json;
using Licensing.Tests.Support;

namespace Licensing.Tests.Readme;

/// <summary>
/// The README's overage and transfers walk-through (blocks marked <c>seat-terms</c>), run in one bash shell against
/// the local host with the sample admin key, as a reader pastes it.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ReadmeSeatTermsTests : IAsyncLifetime
{
    private const string ReadmeBase = "BASE=http://127.0.0.1:7071";

    private ServerFixture _server = null!;

    public async Task InitializeAsync() =>
        _server = await ServerFixture.StartAsync(settings => settings["Licensing:AdminApiKey"] = SampleAdminKey());

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task An_overage_seat_is_granted_past_the_limit_and_flagged_and_the_second_move_of_a_one_transfer_license_is_refused()
    {
        var blocks = ReadmeBlocks.Marked("seat-terms");
        var script = string.Join('\n', blocks.Select(b => b.Text));

        var (steps, run) = await Walkthrough.RunAsync(script.Replace(ReadmeBase, "BASE=" + _server.Http.BaseAddress!.ToString().TrimEnd('/'), StringComparison.Ordinal), TimeSpan.FromMinutes(2));
        string Output(string commandStart) => Assert.Single(steps, s => s.Command.StartsWith(commandStart, StringComparison.Ordinal)).Output;

        Assert.True(run.ExitCode == 0, string.Join("\n", steps) + "\nstderr:\n" + run.StdErr);
        Assert.Equal("", run.StdErr);
        Assert.Equal(2, blocks.Count);
        Assert.Equal(
            """
            {"granted":true,"overage":null,"activeClientCount":1,"maxClientCount":2,"reason":null}
            {"granted":true,"overage":null,"activeClientCount":2,"maxClientCount":2,"reason":null}
            {"granted":true,"overage":true,"activeClientCount":3,"maxClientCount":2,"reason":null}
            {"granted":false,"overage":null,"activeClientCount":3,"maxClientCount":2,"reason":"seats_exhausted"}
            """,
            Output("for machine in a b c d;"));
        Assert.Equal(
            """
            {"machine":"pc-1","success":true,"reason":null}
            {"machine":"pc-2","success":true,"reason":null}
            {"machine":"pc-3","success":false,"reason":"transfer_limit_reached"}
            """,
            Output("for machine in pc-1 pc-2 pc-3;"));
    }

    private static string SampleAdminKey()
    {
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "local.settings.sample.json")));
        return sample.RootElement.GetProperty("Values").GetProperty("Licensing__AdminApiKey").GetString()!;
    }
}
