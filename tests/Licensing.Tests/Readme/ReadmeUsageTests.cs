using Licensing.Tests.Support;

namespace Licensing.Tests.Readme;

/// <summary>The README's seat usage example (the block marked <c>usage</c>), run in bash against the local host as a reader pastes it.</summary>
[Trait("Category", "Slow")]
public sealed class ReadmeUsageTests : ReadmeBlockTests
{
    [Fact]
    public async Task One_seat_granted_and_one_refused_show_in_the_current_hour()
    {
        var steps = await RunBlocksAsync("usage", blocks: 1);

        Assert.Equal("""{"peakSeats":1,"grants":1,"denials":1}""", Output(steps, "curl -s \"$BASE/v1/admin/licenses/$LICENSE_ID/usage\""));
        Assert.Equal(
            ["true null", "false seats_exhausted"],
            steps.Where(s => s.Command.StartsWith("curl -s -X POST \"$BASE/v1/license/request\"", StringComparison.Ordinal)).Select(s => s.Output));
    }
}
