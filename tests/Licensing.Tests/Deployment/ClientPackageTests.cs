using System.IO.Compression;
using Licensing.Tests.Support;

namespace Licensing.Tests.Deployment;

/// <summary>dotnet pack makes the SDK a NuGet package for every framework it targets, with its README and XML docs.</summary>
[Collection(RepositoryBuilds.Name)]
public sealed class ClientPackageTests : IAsyncLifetime
{
    private readonly string _output = Path.Combine(Path.GetTempPath(), "licensing-pack-" + Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync()
    {
        var result = await ProcessRun.RunAsync("dotnet",
            ["pack", Path.Combine("src", "Licensing.Client"), "-c", RepoPaths.Configuration, "-o", _output, "-nologo"]);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_output, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public void The_package_holds_the_library_and_its_docs_for_each_framework_and_the_readme()
    {
        var package = Assert.Single(Directory.GetFiles(_output, "Licensing.Client.*.nupkg"));
        using var zip = ZipFile.OpenRead(package);
        var entries = zip.Entries.Select(e => e.FullName).ToHashSet();

        foreach (var framework in new[] { "net10.0", "net8.0", "netstandard2.0" })
        {
            Assert.Contains($"lib/{framework}/Licensing.Client.dll", entries);
            Assert.Contains($"lib/{framework}/Licensing.Client.xml", entries);
        }

        Assert.Contains("README.md", entries);
    }
}
