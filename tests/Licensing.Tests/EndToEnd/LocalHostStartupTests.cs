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
            "licensing: cannot start: Licensing:AdminApiKey is required and must be at least 16 characters.\n",
            run.StdErr);
        Assert.Equal("", run.StdOut);
    }

    [Fact]
    public async Task A_port_already_in_use_is_a_fault_not_a_setting_and_keeps_its_stack_trace()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        var settings = TestStorage.ServerSettings(ServerFixture.AdminKey);
        settings["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var environment = settings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value ?? "");
        var workingDirectory = Directory.CreateTempSubdirectory("licensing-startup-").FullName;

        var run = await ProcessRun.RunAsync("dotnet", [Host], workingDirectory, environment, TimeSpan.FromMinutes(1));

        Assert.True(run.ExitCode == 134, run.ToString());
        var lines = run.StdErr.Split('\n');
        Assert.Equal($"Unhandled exception. System.IO.IOException: Failed to bind to address http://127.0.0.1:{port}: address already in use.", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("   at ", StringComparison.Ordinal));
        Assert.Contains("Hosting failed to start", run.StdOut, StringComparison.Ordinal);
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
                "licensing: cannot start: Licensing:DefaultHeartbeatInterval must be between 1 second and 1 day.\n",
                run.StdErr);
            Assert.Equal("", run.StdOut);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }
}
