using Licensing.Tests.Support;

namespace Licensing.Tests.EndToEnd;

/// <summary>The local host started as scripts/run-local.sh starts it, with a bad setting.</summary>
[Collection(SlowTests.Name)]
[Trait("Category", "Slow")]
public sealed class LocalHostStartupTests
{
    [Fact]
    public async Task A_short_admin_key_stops_the_host_with_one_line_naming_the_setting_and_exit_code_1()
    {
        var settings = TestStorage.ServerSettings("short");
        var environment = settings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value ?? "");
        var workingDirectory = Directory.CreateTempSubdirectory("licensing-startup-").FullName;
        var host = Path.Combine(RepoPaths.Root, "src", "Licensing.LocalHost", "bin", RepoPaths.Configuration, "net10.0", "Licensing.LocalHost.dll");

        var run = await ProcessRun.RunAsync("dotnet", [host], workingDirectory, environment, TimeSpan.FromMinutes(1));

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(
            "licensing: cannot start: Licensing:AdminApiKey is required and must be at least 16 characters.",
            run.StdErr.TrimEnd('\n'));
    }
}
