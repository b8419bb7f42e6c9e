using Licensing.Tests.Support;

namespace Licensing.Tests.EndToEnd;

/// <summary>
/// The Functions worker started as the Functions host (<c>func start</c>) starts it: its built program, the app's
/// settings in the environment and the host's address in the arguments. No host listens there, which a worker with good
/// settings finds out at start.
/// </summary>
[Collection(SlowTests.Name)]
[Trait("Category", "Slow")]
public sealed class WorkerStartupTests
{
    private static readonly string Worker = Path.Combine(RepoPaths.Root, "src", "Licensing.Functions", "bin", RepoPaths.Configuration, "net10.0", "Licensing.Functions.dll");

    [Fact]
    public async Task A_short_admin_key_stops_the_worker_with_one_line_naming_the_setting_and_exit_code_1()
    {
        var run = await StartWorkerAsync(TestStorage.ServerSettings("short"));

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("licensing: cannot start: Licensing:AdminApiKey is required and must be at least 16 characters.\n", run.StdErr);
        Assert.Equal("", run.StdOut);
    }

    [Fact]
    public async Task A_missing_storage_setting_and_a_bad_proxy_count_are_named_together_on_one_line()
    {
        var settings = TestStorage.ServerSettings(ServerFixture.AdminKey);
        settings["Licensing:StorageConnectionString"] = "";
        settings["Licensing:TrustedProxyCount"] = "11";

        var run = await StartWorkerAsync(settings);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.StdOut);
        Assert.Equal(
            "licensing: cannot start: Set exactly one of Licensing:StorageConnectionString or Licensing:TableServiceUri. "
            + "Licensing:TrustedProxyCount must be between 0 and 10.\n",
            run.StdErr);
    }

    [Fact]
    public async Task Without_a_functions_host_a_worker_with_good_settings_fails_with_the_stack_trace_of_a_fault()
    {
        var run = await StartWorkerAsync(TestStorage.ServerSettings(ServerFixture.AdminKey), hostArguments: false);

        Assert.True(run.ExitCode == 134, run.ToString());
        var lines = run.StdErr.Split('\n');
        Assert.Equal(
            "Unhandled exception. System.InvalidOperationException: Configuration is missing the 'HostEndpoint' information. "
            + "Please ensure an entry with the key 'Functions:Worker:HostEndpoint' is present in your configuration.",
            lines[0]);
        Assert.StartsWith("   at ", lines[1], StringComparison.Ordinal);
    }

    private static async Task<ProcessResult> StartWorkerAsync(Dictionary<string, string?> settings, bool hostArguments = true)
    {
        var environment = settings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value ?? "");
        var workingDirectory = Directory.CreateTempSubdirectory("licensing-worker-").FullName;
        // The arguments the Functions host starts a .NET isolated worker with (the host's gRPC address, unused here).
        string[] host = hostArguments
            ? ["--functions-uri", "http://127.0.0.1:9/", "--functions-worker-id", Guid.NewGuid().ToString(), "--functions-request-id", Guid.NewGuid().ToString(), "--functions-grpc-max-message-length", "2147483647"]
            : [];
        try
        {
            return await ProcessRun.RunAsync("dotnet", [Worker, .. host], workingDirectory, environment, TimeSpan.FromMinutes(1));
        }
        finally
        {
            Directory.Delete(workingDirectory, recursive: true);
        }
    }
}
