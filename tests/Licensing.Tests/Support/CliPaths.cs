namespace Licensing.Tests.Support;

/// <summary>The built CLI, run as a process by the tests (<c>dotnet Licensing.Cli.dll ...</c>).</summary>
public static class CliPaths
{
    public static readonly string Dll = Path.Combine(RepoPaths.Root, "src", "Licensing.Cli", "bin", RepoPaths.Configuration, "net10.0", "Licensing.Cli.dll");
}
