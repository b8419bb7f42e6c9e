using System.Text.Json;
using Licensing.Api;
using Licensing.Tests.Support;

namespace Licensing.Tests.Deployment;

/// <summary>The publish output is what the Functions host loads.</summary>
[Collection(SlowTests.Name)]
[Trait("Category", "Slow")]
public sealed class PublishOutputTests : IAsyncLifetime
{
    private readonly string _output = Path.Combine(Path.GetTempPath(), "licensing-publish-" + Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync()
    {
        var result = await ProcessRun.RunAsync("dotnet",
            ["publish", Path.Combine("src", "Licensing.Functions"), "-c", RepoPaths.Configuration, "--no-build", "-o", _output, "-nologo"]);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_output, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public void Functions_metadata_lists_every_function_of_the_app()
    {
        using var metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(_output, "functions.metadata")));
        var listed = metadata.RootElement.EnumerateArray().Select(f => f.GetProperty("name").GetString()).ToHashSet();

        var declared = FunctionRoutes.Discover(typeof(Wiring).Assembly).Select(f => f.Name)
            .Concat(FunctionRoutes.DiscoverTimers(typeof(Wiring).Assembly).Select(t => t.Name))
            .ToList();

        Assert.Equal(55, declared.Count);
        Assert.All(declared, name => Assert.Contains(name, listed));
    }

    [Fact]
    public void The_worker_extensions_and_host_json_are_there_and_local_settings_are_not()
    {
        Assert.True(Directory.Exists(Path.Combine(_output, ".azurefunctions")), ".azurefunctions/ is missing");
        Assert.True(File.Exists(Path.Combine(_output, "worker.config.json")));
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(_output, "host.json")));
        Assert.Equal("", host.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
        Assert.Empty(Directory.GetFiles(_output, "local.settings*.json", SearchOption.AllDirectories));
    }
}
