using System.Text.Json;
using Licensing.Tests.Support;

namespace Licensing.Tests.Readme;

/// <summary>
/// The README's policies, entitlements and trials walk-through (blocks marked <c>terms</c>), run in one bash shell
/// against the local host with the sample admin key, as a reader pastes it.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ReadmeTermsTests : IAsyncLifetime
{
    private const string ReadmeBase = "BASE=http://127.0.0.1:7071";

    private ServerFixture _server = null!;

    public async Task InitializeAsync() =>
        _server = await ServerFixture.StartAsync(settings => settings["Licensing:AdminApiKey"] = SampleAdminKey());

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task A_policy_issues_a_license_whose_entitlements_a_client_sees_and_a_machine_gets_the_same_trial_every_time()
    {
        var blocks = ReadmeBlocks.Marked("terms");
        var script = string.Join('\n', blocks.Select(b => b.Text));

        var (steps, run) = await Walkthrough.RunAsync(script.Replace(ReadmeBase, "BASE=" + _server.Http.BaseAddress!.ToString().TrimEnd('/'), StringComparison.Ordinal), TimeSpan.FromMinutes(2));
        string Output(string commandStart) => Assert.Single(steps, s => s.Command.StartsWith(commandStart, StringComparison.Ordinal)).Output;
        var trials = steps.Where(s => s.Command.StartsWith("curl -s -X POST \"$BASE/v1/license/trial\"", StringComparison.Ordinal)).Select(s => s.Output).ToList();

        Assert.True(run.ExitCode == 0, string.Join("\n", steps) + "\nstderr:\n" + run.StdErr);
        Assert.Equal("", run.StdErr);
        Assert.Equal(2, blocks.Count);
        Assert.StartsWith("pol_editor_", Output("PRO="), StringComparison.Ordinal);
        Assert.Matches("^[A-Z0-9]{5}(-[A-Z0-9]{5}){4}$", Output("PRO_KEY="));
        Assert.Equal("true", Output("curl -s -X POST \"$BASE/v1/license/activate\""));
        Assert.Equal("""[{"code":"pro"},{"code":"max-projects","value":20}]""", Output("curl -s -X POST \"$BASE/v1/license/validate\""));
        Assert.Equal("""{"name":"Trial","trial":true}""", Output("curl -s -X POST \"$BASE/v1/admin/policies\""));
        Assert.Equal(2, trials.Count);
        Assert.Matches("^true [A-Z2-7]{5}(-[A-Z2-7]{5}){4}$", trials[0]);
        Assert.Equal(trials[0], trials[1]);
    }

    private static string SampleAdminKey()
    {
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "local.settings.sample.json")));
        return sample.RootElement.GetProperty("Values").GetProperty("Licensing__AdminApiKey").GetString()!;
    }
}
