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
    [InlineData("instanceMemoryMB", "1234", "BCP033")]
    [InlineData("maximumInstanceCount", "0", "BCP328")]
    [InlineData("alwaysReadyInstances", "-1", "BCP328")]
    [InlineData("environmentName", "''", "BCP333")]
    public async Task A_bad_parameter_value_fails_build_params_with_the_error_for_that_line(string parameter, string value, string diagnostic)
    {
        var scratch = Directory.CreateTempSubdirectory("bicep-params-");
        try
        {
            var lines = (await File.ReadAllLinesAsync(Path.Combine(BicepCli.InfraFolder, "main.bicepparam")))
                .Select(l => l == "using 'main.bicep'" ? $"using '{Path.GetRelativePath(scratch.FullName, Path.Combine(BicepCli.InfraFolder, "main.bicep"))}'" : l)
                .Where(l => !l.TrimStart().StartsWith($"param {parameter} ", StringComparison.Ordinal))
                .Append($"param {parameter} = {value}")
                .ToList();
            Assert.Single(lines, l => l.StartsWith("using '", StringComparison.Ordinal) && l != "using 'main.bicep'");
            await File.WriteAllLinesAsync(Path.Combine(scratch.FullName, "bad.bicepparam"), lines);

            var result = await BicepCli.RunInAsync(scratch.FullName, "build-params", "bad.bicepparam", "--stdout");

            Assert.True(result.ExitCode == 1, result.ToString());
            var error = Assert.Single(result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            Assert.StartsWith($"{Path.Combine(scratch.FullName, "bad.bicepparam")}({lines.Count},", error, StringComparison.Ordinal);
            Assert.Contains($" : Error {diagnostic}: ", error, StringComparison.Ordinal);
            Assert.Equal(["bad.bicepparam"], scratch.EnumerateFiles().Select(f => f.Name));
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    private static void AssertClean(ProcessResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(string.IsNullOrWhiteSpace(result.StdErr), $"diagnostics: {result.StdErr}");
        Assert.DoesNotContain("Warning", result.StdOut, StringComparison.Ordinal);
    }
}
