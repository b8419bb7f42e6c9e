using Licensing.Tests.Support;

namespace Licensing.Tests.Samples;

/// <summary>The samples, run as processes against a server on the real clock, the way the README runs them.</summary>
[Trait("Category", "Slow")]
public sealed class SampleTests(RealClockServerFixture server) : IClassFixture<RealClockServerFixture>
{
    private const int Activation = 1;
    private const int Floating = 2;
    private static readonly string[] AirGappedFeatures = ["lab"];

    [Fact]
    public async Task FloatingSeat_sent_sigterm_while_it_holds_a_seat_gives_the_seat_back_and_exits_0()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 1);
        await using var sample = RunningProcess.Start("dotnet", [SampleDll("FloatingSeat")], Environment(license));
        await sample.WaitForLineAsync($"Seat granted on license {license.LicenseId}", TimeSpan.FromMinutes(1));
        var held = await SeatsAsync(license);

        await sample.SignalAsync("TERM");
        var exitCode = await sample.WaitForExitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal((1, "live"), held);
        Assert.True(exitCode == 0, $"exit {exitCode}\n{sample}");
        Assert.Equal("Stopped. State: Released.", sample.StdOut.TrimEnd('\n').Split('\n')[^1]);
        Assert.Equal((0, "released"), await SeatsAsync(license));
    }

    [Fact]
    public async Task OfflineActivation_activates_the_machine_and_with_deactivate_gives_its_seat_back()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 1);
        var cache = Directory.CreateTempSubdirectory("licensing-offline-");
        var environment = Environment(license);
        environment["LICENSING_CACHE_DIR"] = cache.FullName;
        try
        {
            var activated = await ProcessRun.RunAsync("dotnet", [SampleDll("OfflineActivation")], environment: environment);
            var held = await SeatsAsync(license);
            var deactivated = await ProcessRun.RunAsync("dotnet", [SampleDll("OfflineActivation"), "--deactivate"], environment: environment);

            Assert.True(activated.ExitCode == 0, activated.ToString());
            Assert.Equal((1, "live"), held);
            Assert.True(deactivated.ExitCode == 0, deactivated.ToString());
            Assert.Equal("Deactivated: 0 of 1 seats in use.\n", deactivated.StdOut);
            Assert.Equal((0, "deactivated"), await SeatsAsync(license));
            Assert.False(File.Exists(Path.Combine(cache.FullName, "license.jws")));
        }
        finally
        {
            cache.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task AirGapped_carries_a_request_and_its_response_across_the_gap_works_offline_and_its_proof_frees_the_seat()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 1, extra: new { features = AirGappedFeatures });
        var cache = Directory.CreateTempSubdirectory("licensing-airgapped-");
        var environment = Environment(license);
        environment["LICENSING_CACHE_DIR"] = cache.FullName;
        try
        {
            var run = await ProcessRun.RunAsync("dotnet", [SampleDll("AirGapped")], environment: environment);
            var lines = run.StdOut.TrimEnd('\n').Split('\n');

            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Equal(4, lines.Length);
            Assert.Equal($"Request written to {Path.Combine(cache.FullName, "activation.lsreq")}", lines[0]);
            Assert.StartsWith($"Activated on license {license.LicenseId} until ", lines[1], StringComparison.Ordinal);
            Assert.Equal("Working offline; entitlements: lab", lines[2]);
            Assert.Equal("Deactivated: 0 of 1 seats in use.", lines[3]);
            Assert.Equal((0, "deactivated"), await SeatsAsync(license));
            Assert.StartsWith("lsdea1.", await File.ReadAllTextAsync(Path.Combine(cache.FullName, "deactivation.lsdea")), StringComparison.Ordinal);
        }
        finally
        {
            cache.Delete(recursive: true);
        }
    }

    private static string SampleDll(string name) =>
        Path.Combine(RepoPaths.Root, "samples", name, "bin", RepoPaths.Configuration, "net10.0", name + ".dll");

    private Dictionary<string, string> Environment(License license) => new()
    {
        ["LICENSING_URL"] = server.Http.BaseAddress!.ToString(),
        ["LICENSING_API_KEY"] = server.ClientKey,
        ["LICENSING_USER_KEY"] = license.UserKey,
    };

    /// <summary>The license's live seat count and its one token's state, as info shows them.</summary>
    private async Task<(int Active, string State)> SeatsAsync(License license)
    {
        using var info = await server.CallAsync("v1/license/info", new { userKey = license.UserKey, machineId = "info-reader" });
        var token = Assert.Single(info.RootElement.GetProperty("licenseTokens").EnumerateArray());
        return (info.RootElement.GetProperty("activeClientCount").GetInt32(), token.GetProperty("state").GetString()!);
    }
}
