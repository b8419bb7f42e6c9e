using System.Text.Json;
using Licensing.Tests.Support;

namespace Licensing.Tests.Bench;

/// <summary>
/// The bench's soak at its small size, run as a process exactly as a person runs it (the soak lives in the bench, which
/// the tests cannot reference without taking in its process-wide state: the working folder, signal handlers, an exit
/// hook that stops Azurite). It starts an Azurite of its own on disk and the server in-process, drives mixed client
/// traffic, stops storage with SIGINT and starts it again on the same folder twice, and checks as it goes; here the
/// test holds it to its own verdict and to the figures that show every part of it ran.
/// </summary>
[Collection(SlowTests.Name)]
[Trait("Category", "Slow")]
public sealed class StorageRestartSoakTests
{
    private static readonly string BenchDll = Path.Combine(
        RepoPaths.Root, "bench", "Licensing.Bench", "bin", RepoPaths.Configuration, "net10.0", "Licensing.Bench.dll");

    private static readonly string[] Calls = ["request", "heartbeat", "validate", "release", "activate", "deactivate"];

    [Fact]
    public async Task Traffic_through_two_storage_restarts_keeps_every_seat_invariant_and_every_answered_seat_change()
    {
        var output = Directory.CreateTempSubdirectory("soak-test-");
        try
        {
            var run = await ProcessRun.RunAsync("dotnet", [BenchDll, "soak", "--smoke", "--out", output.FullName], timeout: TimeSpan.FromMinutes(4));

            Assert.True(run.ExitCode == 0, run.ToString());
            using var report = JsonDocument.Parse(await File.ReadAllTextAsync(Assert.Single(output.GetFiles("*.json")).FullName));
            var soak = Assert.Single(report.RootElement.GetProperty("runs").EnumerateArray());
            var metrics = soak.GetProperty("metrics");
            double Metric(string name) => metrics.GetProperty(name).GetDouble();

            Assert.Equal(0, Metric("violations"));
            Assert.Equal(0, Metric("invariantViolations"));
            Assert.True(Metric("invariantSamples") > 0, soak.GetRawText());
            Assert.Equal(2, Metric("restarts"));
            foreach (var outage in new[] { 1, 2 })
            {
                Assert.True(Metric($"outage{outage}Unavailable503") > 0, $"outage {outage} met no 503: {soak.GetRawText()}");
                Assert.True(Metric($"outage{outage}SecondsToFirst200") >= 0, $"no 200 after outage {outage}: {soak.GetRawText()}");
            }

            Assert.True(Metric("outage1CheckpointVerified") + Metric("outage2CheckpointVerified") > 0, $"nothing checked on disk after the stops: {soak.GetRawText()}");

            Assert.True(Metric("grantsVerifiedAfterRecovery") > 0, soak.GetRawText());
            Assert.Equal(1, Metric("freshGrantsAfterRecovery"));
            var endpoints = soak.GetProperty("endpoints").EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!);
            Assert.All(Calls, call => Assert.True(endpoints.ContainsKey(call), $"no {call} call was made: {soak.GetRawText()}"));
            Assert.All(endpoints.Values, e => Assert.All(
                e.GetProperty("errors").EnumerateObject(), error => Assert.Equal("503", error.Name)));
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }
}
