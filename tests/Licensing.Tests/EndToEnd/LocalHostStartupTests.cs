using Licensing.Tests.Support;

namespace Licensing.Tests.EndToEnd;

/// <summary>The local host started as scripts/run-local.sh starts it, with a bad setting.</summary>
[Collection(SlowTests.Name)]
[Trait("Category", "Slow")]
public sealed class LocalHostStartupTests
{
    private static readonly string Host = Path.Combine(RepoPaths.Root, "src", "Licensing.LocalHost", "bin", RepoPaths.Configuration, "net10.0", "Licensing.LocalHost.dll");

    [Fact]
    public async Task A_short_admin_key_stops_the_host_with_one_line_naming_the_setting_and_exit_code_1()
    {
        var settings = TestStorage.ServerSettings("short");
        var environment = settings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value ?? "");
        var workingDirectory = Directory.CreateTempSubdirectory("licensing-startup-").FullName;

        var run = await ProcessRun.RunAsync("dotnet", [Host], workingDirectory, environment, TimeSpan.FromMinutes(1));

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(
            "licensing: cannot start: Licensing:AdminApiKey is required and must be at least 16 characters.",
            run.StdErr.TrimEnd('\n'));
    }

    [Fact]
    public async Task The_host_reads_local_settings_json_from_the_nearest_folder_above_the_one_it_runs_in()
    {
        // As scripts/run-local.sh runs it: in the repository's root, where the README says local.settings.json goes.
        var environment = TestStorage.ServerSettings(ServerFixture.AdminKey)
            .ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value ?? "");
        var root = Directory.CreateTempSubdirectory("licensing-settings-");
        var workingDirectory = root.CreateSubdirectory("src").CreateSubdirectory("app").FullName;
        await File.WriteAllTextAsync(Path.Combine(root.FullName, "local.settings.json"),
            """{"Values": {"Licensing__DefaultHeartbeatInterval": "2.00:00:00"}}""");
        try
        {
            var run = await ProcessRun.RunAsync("dotnet", [Host], workingDirectory, environment, TimeSpan.FromMinutes(1));

            Assert.Equal(1, run.ExitCode);
            Assert.Equal(
                "licensing: cannot start: Licensing:DefaultHeartbeatInterval must be between 1 second and 1 day.",
                run.StdErr.TrimEnd('\n'));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }
}
