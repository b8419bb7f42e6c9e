using Licensing.Tests.Support;

namespace Licensing.Tests.Deployment;

/// <summary>The template compiles, lints and takes its parameters with no diagnostic at all, offline.</summary>
[Collection(SlowTests.Name)]
[Trait("Category", "Slow")]
public sealed class BicepCheckTests
{
    [Fact]
    public async Task The_template_builds_with_no_diagnostic()
    {
        var result = await BicepCli.RunAsync("build", "main.bicep", "--stdout");

        AssertClean(result);
    }

    [Fact]
    public async Task The_template_lints_with_no_diagnostic()
    {
        var result = await BicepCli.RunAsync("lint", "main.bicep");

        AssertClean(result);
        Assert.True(string.IsNullOrWhiteSpace(result.StdOut), result.ToString());
    }

    [Fact]
    public async Task The_parameter_file_builds_with_no_diagnostic()
    {
        var result = await BicepCli.RunAsync("build-params", "main.bicepparam", "--stdout");

        AssertClean(result);
    }

    [Fact]
    public async Task The_linter_runs_its_rules_at_error_level()
    {
        using var config = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(BicepCli.InfraFolder, "bicepconfig.json")));
        var rules = config.RootElement.GetProperty("analyzers").GetProperty("core").GetProperty("rules").EnumerateObject().ToList();

        Assert.NotEmpty(rules);
        Assert.All(rules, r => Assert.Equal("error", r.Value.GetProperty("level").GetString()));
    }

    [Theory]
    [InlineData("instanceMemoryMB", "1234")]
    [InlineData("maximumInstanceCount", "0")]
    [InlineData("alwaysReadyInstances", "-1")]
    [InlineData("environmentName", "''")]
    public async Task A_bad_parameter_value_fails_build_params(string parameter, string value)
    {
        var file = Path.Combine(BicepCli.InfraFolder, $"bad-{Guid.NewGuid():N}.bicepparam");
        var lines = (await File.ReadAllLinesAsync(Path.Combine(BicepCli.InfraFolder, "main.bicepparam")))
            .Where(l => !l.TrimStart().StartsWith($"param {parameter} ", StringComparison.Ordinal))
            .Append($"param {parameter} = {value}");
        await File.WriteAllLinesAsync(file, lines);
        try
        {
            var result = await BicepCli.RunAsync("build-params", Path.GetFileName(file), "--stdout");

            Assert.True(result.ExitCode != 0, $"build-params accepted {parameter} = {value}: {result}");
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static void AssertClean(ProcessResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(string.IsNullOrWhiteSpace(result.StdErr), $"diagnostics: {result.StdErr}");
        Assert.DoesNotContain("Warning", result.StdOut, StringComparison.Ordinal);
    }
}
