namespace Licensing.Tests.Support;

public static class RepoPaths
{
    /// <summary>The folder holding Licensing.sln, found from the test's own output folder.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The build configuration the tests were built with (Debug or Release), read from the output path.</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Licensing.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Licensing.sln not found above " + AppContext.BaseDirectory);
    }
}
