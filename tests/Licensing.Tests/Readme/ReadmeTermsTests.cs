using Licensing.Tests.Support;

namespace Licensing.Tests.Readme;

/// <summary>
/// The README's policies, entitlements and trials walk-through (blocks marked <c>terms</c>), run in one bash shell
/// against the local host with the sample admin key, as a reader pastes it.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ReadmeTermsTests : ReadmeBlockTests
{
    [Fact]
    public async Task A_policy_issues_a_license_whose_entitlements_a_client_sees_and_a_machine_gets_the_same_trial_every_time()
    {
        var steps = await RunBlocksAsync("terms", blocks: 2);
        var trials = steps.Where(s => s.Command.StartsWith("curl -s -X POST \"$BASE/v1/license/trial\"", StringComparison.Ordinal)).Select(s => s.Output).ToList();

        Assert.StartsWith("pol_editor_", Output(steps, "PRO="), StringComparison.Ordinal);
        Assert.Matches("^[A-Z0-9]{5}(-[A-Z0-9]{5}){4}$", Output(steps, "PRO_KEY="));
        Assert.Equal("true", Output(steps, "curl -s -X POST \"$BASE/v1/license/activate\""));
        Assert.Equal("""[{"code":"pro"},{"code":"max-projects","value":20}]""", Output(steps, "curl -s -X POST \"$BASE/v1/license/validate\""));
        Assert.Equal("""{"name":"Trial","trial":true}""", Output(steps, "curl -s -X POST \"$BASE/v1/admin/policies\""));
        Assert.Equal(2, trials.Count);
        Assert.Matches("^true [A-Z2-7]{5}(-[A-Z2-7]{5}){4}$", trials[0]);
        Assert.Equal(trials[0], trials[1]);
    }
}
