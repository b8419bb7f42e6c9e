using Licensing.Tests.Support;

namespace Licensing.Tests.Readme;

/// <summary>
/// docs/metering.md's walk-through (blocks marked <c>metering</c>), run in one bash shell against the local host with the
/// sample admin key, as a reader pastes it.
/// </summary>
[Trait("Category", "Slow")]
public sealed class DocsMeteringTests : ReadmeBlockTests
{
    [Fact]
    public async Task Uses_are_counted_once_flagged_past_the_limit_refused_past_the_overage_shown_by_validate_and_reset()
    {
        var steps = await RunBlocksAsync("metering", blocks: 2);

        Assert.Equal(
            """
            {"recorded":true,"used":9,"remaining":1,"overage":false,"duplicate":false,"reason":null}
            {"recorded":true,"used":11,"remaining":0,"overage":true,"duplicate":false,"reason":null}
            {"recorded":true,"used":11,"remaining":0,"overage":true,"duplicate":true,"reason":null}
            {"recorded":false,"used":11,"remaining":0,"overage":false,"duplicate":false,"reason":"usage_limit_reached"}
            """,
            Output(steps, "for use in"));
        Assert.Equal("""{"code":"exports","used":11,"limit":10,"remaining":0}""", Output(steps, "curl -s -X POST \"$BASE/v1/license/validate\""));
        Assert.Equal("""{"code":"exports","used":0,"remaining":10}""", Output(steps, "curl -s -X POST \"$BASE/v1/admin/licenses/$LICENSE_ID/meters/exports/reset\""));
    }
}
