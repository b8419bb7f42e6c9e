using System.Text.Json;
using Licensing.Tests.Support;

namespace Licensing.Tests.Readme;

/// <summary>
/// The README's packaging steps, taken from the README by their markers and run as a newcomer runs them, with a home
/// folder of their own: the SDK into a new console app through the app's own nuget.config, the README's program built
/// from that package and run against the server, and the CLI as a local tool and from the repository.
/// </summary>
[Trait("Category", "Slow")]
[Collection(SlowTests.Name)]
public sealed class ReadmePackagingTests(RealClockServerFixture server) : IClassFixture<RealClockServerFixture>, IDisposable
{
    private const int Floating = 2;

    private readonly DirectoryInfo _home = Directory.CreateTempSubdirectory("licensing-home-");
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("licensing-work-");

    public void Dispose()
    {
        _home.Delete(recursive: true);
        _work.Delete(recursive: true);
    }

    [Fact]
    public async Task The_sdk_steps_make_an_app_whose_readme_program_holds_a_seat_and_gives_it_back_on_sigterm_leaving_the_user_config_alone()
    {
        var environment = ReadmeShell.FreshHome(_home.FullName);
        await SucceedAsync(Assert.Single(ReadmeBlocks.Marked("sdk-pack")), RepoPaths.Root);
        await SucceedAsync(Assert.Single(ReadmeBlocks.Marked("sdk-app")), _work.FullName, environment);
        var app = Path.Combine(_work.FullName, "MyApp");
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), Assert.Single(ReadmeBlocks.Marked("program Licensing.Client")).Text);
        var build = await ProcessRun.RunAsync("dotnet", ["build", "-nologo"], app, environment, TimeSpan.FromMinutes(5));

        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.DoesNotMatch(@"warning [A-Z]+[0-9]+", build.StdOut);
        Assert.DoesNotContain(RepoPaths.Root, UserWideNuGetConfig());
        var appConfig = await File.ReadAllTextAsync(Path.Combine(app, "nuget.config"));
        Assert.Contains($"""<add key="licensing-local" value="{Path.Combine(RepoPaths.Root, "packages")}" />""", appConfig);

        var license = await server.CreateLicenseAsync(Floating, seats: 1);
        await using var running = RunningProcess.Start("dotnet", [Path.Combine(app, "bin", "Debug", "net10.0", "MyApp.dll")], new Dictionary<string, string>
        {
            ["LICENSING_URL"] = server.Http.BaseAddress!.ToString(),
            ["LICENSING_API_KEY"] = server.ClientKey,
            ["LICENSING_USER_KEY"] = license.UserKey,
        });
        Assert.Equal($"Holding a seat of {license.LicenseId}; Ctrl-C to stop", await running.WaitForLineAsync("Holding a seat", TimeSpan.FromMinutes(1)));
        var held = await SeatsAsync(license);
        await running.SignalAsync("TERM");
        var exitCode = await running.WaitForExitAsync(TimeSpan.FromMinutes(1));
        var after = await SeatsAsync(license);

        Assert.Equal((1, "live"), held);
        Assert.True(exitCode == 0, $"exit {exitCode}\n{running}");
        Assert.Contains("Stopping: the seat is given back as the lease is disposed", running.StdOut);
        Assert.Equal((0, "released"), after);
    }

    [Fact]
    public async Task The_cli_runs_from_the_repository_and_installs_as_a_local_tool_without_touching_global_tools()
    {
        var environment = ReadmeShell.FreshHome(_home.FullName);

        var fromRepository = await SucceedAsync(Assert.Single(ReadmeBlocks.Marked("cli-run")), RepoPaths.Root);
        await SucceedAsync(Assert.Single(ReadmeBlocks.Marked("cli-pack")), RepoPaths.Root);
        var localTool = await SucceedAsync(Assert.Single(ReadmeBlocks.Marked("cli-tool")), _work.FullName, environment);

        Assert.Contains("licenses create", fromRepository.StdOut);
        Assert.Contains("licenses create", localTool.StdOut);
        // The manifest is dotnet-tools.json in the folder (.config/dotnet-tools.json before .NET 10).
        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_work.FullName, "dotnet-tools.json")));
        var tool = manifest.RootElement.GetProperty("tools").GetProperty("licensing.cli");
        Assert.Equal("licensing", Assert.Single(tool.GetProperty("commands").EnumerateArray()).GetString());
        Assert.False(Directory.Exists(Path.Combine(_home.FullName, ".dotnet", "tools")), "the tool went into the global tools folder");
        Assert.DoesNotContain(RepoPaths.Root, UserWideNuGetConfig());
    }

    private static async Task<ProcessResult> SucceedAsync(ReadmeBlock block, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var run = await ReadmeShell.RunAsync(block, workingDirectory, environment);
        Assert.True(run.ExitCode == 0, $"{block.File} line {block.Line}:\n{block.Text}\n{run}");
        return run;
    }

    /// <summary>The user-wide NuGet configuration of the fresh home ("" if no step created one).</summary>
    private string UserWideNuGetConfig()
    {
        var file = Path.Combine(_home.FullName, ".nuget", "NuGet", "NuGet.Config");
        return File.Exists(file) ? File.ReadAllText(file) : "";
    }

    /// <summary>The license's live seat count and its one token's state, as info shows them.</summary>
    private async Task<(int Active, string State)> SeatsAsync(License license)
    {
        using var info = await server.CallAsync("v1/license/info", new { userKey = license.UserKey, machineId = "info-reader" });
        var token = Assert.Single(info.RootElement.GetProperty("licenseTokens").EnumerateArray());
        return (info.RootElement.GetProperty("activeClientCount").GetInt32(), token.GetProperty("state").GetString()!);
    }
}
