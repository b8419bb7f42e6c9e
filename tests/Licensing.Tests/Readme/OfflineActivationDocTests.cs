using Licensing.Tests.Support;

namespace Licensing.Tests.Readme;

/// <summary>
/// docs/offline-activation.md: its curl round trip (blocks marked <c>offline-activation</c>) run in bash against the
/// local host as a reader pastes it, and its C# program, which is the AirGapped sample the sample tests run.
/// </summary>
[Trait("Category", "Slow")]
public sealed class OfflineActivationDocTests : ReadmeBlockTests
{
    [Fact]
    public async Task The_curl_round_trip_activates_the_machine_from_its_request_and_its_proof_frees_the_seat()
    {
        // The page's shell takes createdAt and at from the reader's clock, as an air-gapped machine does.
        Server.Clock.SetUtcNow(DateTimeOffset.UtcNow);

        var steps = await RunBlocksAsync("offline-activation", blocks: 1);

        Assert.Equal("""{"alg":"ES256","typ":"offline-activation"}""", Output(steps, "printf '%s' \"$RESPONSE\" | cut -d. -f2"));
        Assert.Equal("""{"machineId":"lab-pc-1","entitlements":[{"code":"lab"}],"sameRequest":true}""", Output(steps, "echo \"$PAYLOAD\" | jq -c"));
        Assert.Equal("""{"success":true,"activeClientCount":0,"maxClientCount":1}""", Output(steps, "curl -s -X POST \"$BASE/v1/license/offline/deactivate\""));
    }

    [Fact]
    public void The_csharp_round_trip_is_the_airgapped_sample_that_the_sample_tests_run()
    {
        var program = Assert.Single(ReadmeBlocks.Marked("program #offline-activation Licensing.Client"));

        Assert.Equal("docs/offline-activation.md", program.File);
        Assert.Equal(File.ReadAllText(Path.Combine(RepoPaths.Root, "samples", "AirGapped", "Program.cs")).TrimEnd('\n'), program.Text.TrimEnd('\n'));
    }
}
