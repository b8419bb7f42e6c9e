using Licensing.Tests.Support;

namespace Licensing.Tests.Deployment;

/// <summary>The Bicep CLI restored from NuGet by the test project's PackageDownload (Azure.Bicep.CommandLine.linux-x64).</summary>
public static class BicepCli
{
    public const string Version = "0.49.2";

    private static readonly Lazy<string> Binary = new(Locate);

    public static string InfraFolder => Path.Combine(RepoPaths.Root, "infra");

    public static Task<ProcessResult> RunAsync(params string[] arguments) => RunWithAsync(new Dictionary<string, string>(), arguments);

    /// <summary>With environment variables set (what bicepparam's readEnvironmentVariable reads, as azd sets them).</summary>
    public static Task<ProcessResult> RunWithAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        ProcessRun.RunAsync(Binary.Value, arguments, InfraFolder, new Dictionary<string, string>(environment) { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" });

    /// <summary>Runs the CLI in another folder (a test's scratch folder), so nothing it writes lands in <c>infra/</c>.</summary>
    public static Task<ProcessResult> RunInAsync(string folder, params string[] arguments) =>
        ProcessRun.RunAsync(Binary.Value, arguments, folder, new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" });

    private static string Locate()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var binary = Path.Combine(packages, "azure.bicep.commandline.linux-x64", Version, "tools", "bicep");
        if (!File.Exists(binary))
        {
            throw new FileNotFoundException($"The Bicep CLI was not restored at {binary}: run dotnet restore on the test project.");
        }

        // NuGet does not keep the executable bit of every package's files.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(binary, File.GetUnixFileMode(binary) | UnixFileMode.UserExecute);
        }
        return binary;
    }
}
