using Licensing.Tests.Support;

namespace Licensing.Tests.Readme;

/// <summary>
/// The README's borrowing and grace examples (blocks marked <c>lifecycle</c>), run in one bash shell against the local
/// host with the sample admin key, as a reader pastes them.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ReadmeLifecycleTests : ReadmeBlockTests
{
    [Fact]
    public async Task A_borrow_longer_than_allowed_is_granted_capped_and_a_license_shows_its_grace_period()
    {
        var steps = await RunBlocksAsync("lifecycle", blocks: 2);

        Assert.Equal("""{"borrowed":true,"activeClientCount":1}""", Output(steps, "curl -s -X POST \"$BASE/v1/license/borrow\""));
        Assert.Equal(
            """{"gracePeriod":{"seconds":1209600,"nanos":0},"maxBorrowDuration":{"seconds":0,"nanos":0}}""",
            Assert.Single(steps, s => s.Command.Contains("\"gracePeriod\"", StringComparison.Ordinal)).Output);
    }
}
