using Licensing.Tests.Support;

namespace Licensing.Tests.Readme;

/// <summary>docs/portal.md: its curl walk (the block marked <c>portal</c>) run in bash against the local host as a reader pastes it.</summary>
[Trait("Category", "Slow")]
public sealed class PortalDocTests : ReadmeBlockTests
{
    [Fact]
    public async Task The_curl_walk_signs_in_lists_the_machines_and_frees_the_lost_one()
    {
        var steps = await RunBlocksAsync("portal", blocks: 1);

        Assert.Equal(
            """{"status":"active","transfers":{"maxTransfers":3,"movesLeft":3,"nextMoveAt":null},"machines":[{"machineId":"desk","clientName":"Ada's desk","state":"live"},{"machineId":"old-laptop","clientName":"Ada's old laptop","state":"live"}]}""",
            Output(steps, "curl -s \"$BASE/v1/portal/license\""));
        Assert.Equal(
            """{"transfers":{"maxTransfers":3,"movesLeft":2,"nextMoveAt":null},"machines":["desk"]}""",
            Output(steps, "curl -s -X POST \"$BASE/v1/portal/license/seats/$OLD/release\""));
    }

    [Fact]
    public void The_page_opens_with_its_title_and_says_who_it_is_for()
    {
        var lines = File.ReadAllLines(Path.Combine(RepoPaths.Root, "docs", "portal.md"));

        Assert.Equal("# Customer portal", lines[0]);
        Assert.StartsWith("For ", lines[2], StringComparison.Ordinal);
    }
}
