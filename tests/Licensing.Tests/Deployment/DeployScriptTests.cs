using Licensing.Tests.Support;

namespace Licensing.Tests.Deployment;

/// <summary>scripts/deploy.sh stops at once, with a clear message and nothing changed, when it cannot go on.</summary>
[Collection(SlowTests.Name)]
[Trait("Category", "Slow")]
public sealed class DeployScriptTests : IDisposable
{
    private readonly string _fakeBin = Path.Combine(Path.GetTempPath(), "licensing-fake-az-" + Guid.NewGuid().ToString("N"));

    public DeployScriptTests() => Directory.CreateDirectory(_fakeBin);

    private string AzLog => Path.Combine(_fakeBin, "az.log");

    public void Dispose() => Directory.Delete(_fakeBin, recursive: true);

    [Fact]
    public async Task Without_arguments_it_prints_its_usage_and_exits_2()
    {
        var result = await DeployAsync();

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("usage", result.StdErr, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Without_the_az_cli_it_says_so()
    {
        var result = await DeployAsync(["my-rg", "westeurope"], path: PathWithoutAz());

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("az", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_az_is_not_logged_in_it_says_so_and_changes_nothing()
    {
        await FakeAzAsync("""
            case "$1 $2" in
              "account show") echo "Please run 'az login' to setup account." >&2; exit 1 ;;
              *) exit 0 ;;
            esac
            """);

        var result = await DeployAsync(["my-rg", "westeurope"]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("az login", result.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("group create", await File.ReadAllTextAsync(AzLog), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_location_stops_it_before_anything_is_created()
    {
        await FakeAzAsync("""
            case "$1 $2" in
              "account show") echo '{"name": "subscription"}' ;;
              "account list-locations") echo "" ;;
              *) exit 0 ;;
            esac
            """);

        var result = await DeployAsync(["my-rg", "atlantis"]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("atlantis", result.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("group create", await File.ReadAllTextAsync(AzLog), StringComparison.Ordinal);
    }

    /// <summary>A folder with every program of the usual PATH but az, whether or not this machine has it.</summary>
    private string PathWithoutAz()
    {
        var folder = Path.Combine(_fakeBin, "no-az");
        Directory.CreateDirectory(folder);
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':').Where(Directory.Exists))
        {
            foreach (var program in Directory.EnumerateFiles(dir).Where(p => Path.GetFileName(p) != "az"))
            {
                var link = Path.Combine(folder, Path.GetFileName(program));
                if (!File.Exists(link))
                {
                    File.CreateSymbolicLink(link, program);
                }
            }
        }

        return folder;
    }

    private async Task FakeAzAsync(string body)
    {
        var script = Path.Combine(_fakeBin, "az");
        await File.WriteAllTextAsync(script, $"#!/usr/bin/env bash\necho \"$*\" >> '{AzLog}'\n{body}\n");
        await File.WriteAllTextAsync(AzLog, "");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private Task<ProcessResult> DeployAsync(string[]? arguments = null, string? path = null) =>
        ProcessRun.RunAsync(
            "bash",
            new[] { Path.Combine("scripts", "deploy.sh") }.Concat(arguments ?? []),
            environment: new Dictionary<string, string>
            {
                ["PATH"] = path ?? _fakeBin + ":" + Environment.GetEnvironmentVariable("PATH"),
            },
            timeout: TimeSpan.FromMinutes(1));
}
