using Licensing.Tests.Support;

namespace Licensing.Tests.Readme;

/// <summary>
/// The README's overage and transfers walk-through (blocks marked <c>seat-terms</c>), run in one bash shell against
/// the local host with the sample admin key, as a reader pastes it.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ReadmeSeatTermsTests : ReadmeBlockTests
{
    [Fact]
    public async Task An_overage_seat_is_granted_past_the_limit_and_flagged_and_the_second_move_of_a_one_transfer_license_is_refused()
    {
        var steps = await RunBlocksAsync("seat-terms", blocks: 2);

        Assert.Equal(
            """
            {"granted":true,"overage":null,"activeClientCount":1,"maxClientCount":2,"reason":null}
            {"granted":true,"overage":null,"activeClientCount":2,"maxClientCount":2,"reason":null}
            {"granted":true,"overage":true,"activeClientCount":3,"maxClientCount":2,"reason":null}
            {"granted":false,"overage":null,"activeClientCount":3,"maxClientCount":2,"reason":"seats_exhausted"}
            """,
            Output(steps, "for machine in a b c d;"));
        Assert.Equal(
            """
            {"machine":"pc-1","success":true,"reason":null}
            {"machine":"pc-2","success":true,"reason":null}
            {"machine":"pc-3","success":false,"reason":"transfer_limit_reached"}
            """,
            Output(steps, "for machine in pc-1 pc-2 pc-3;"));
    }
}
