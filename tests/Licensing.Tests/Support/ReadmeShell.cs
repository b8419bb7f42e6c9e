namespace Licensing.Tests.Support;

/// <summary>Runs a README block in bash as a reader pastes it: stopping at the first command that fails.</summary>
public static class ReadmeShell
{
    /// <summary>The placeholder the README puts where a reader types the path of their clone.</summary>
    public const string RepositoryPlaceholder = "<path-to-this-repository>";

    public static Task<ProcessResult> RunAsync(ReadmeBlock block, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var script = block.Text.Replace(RepositoryPlaceholder, RepoPaths.Root, StringComparison.Ordinal);
        return ProcessRun.RunAsync("bash", ["-euo", "pipefail", "-c", script], workingDirectory, environment, TimeSpan.FromMinutes(8));
    }

    /// <summary>
    /// An environment whose home is a new empty folder: the user-wide NuGet configuration, the global packages folder and
    /// the global tools start empty there, so a step that writes to them shows, and nothing cached from another run is used.
    /// </summary>
    public static Dictionary<string, string> FreshHome(string home) => new()
    {
        ["HOME"] = home,
        ["DOTNET_CLI_HOME"] = home,
        ["NUGET_PACKAGES"] = Path.Combine(home, ".nuget", "packages"),
        ["DOTNET_NOLOGO"] = "1",
        ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
    };
}
