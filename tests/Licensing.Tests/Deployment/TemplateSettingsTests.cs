using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Licensing.Settings;
using Licensing.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace Licensing.Tests.Deployment;

/// <summary>A deployment never starts an app that fails its own settings validation.</summary>
[Collection(SlowTests.Name)]
[Trait("Category", "Slow")]
public sealed partial class TemplateSettingsTests
{
    /// <summary>Local-only settings and what the template sets in their place.</summary>
    private static readonly Dictionary<string, string?> AzureCounterpart = new(StringComparer.Ordinal)
    {
        ["FUNCTIONS_WORKER_RUNTIME"] = null, // Flex Consumption takes the runtime from functionAppConfig.
        ["AzureWebJobsStorage"] = "AzureWebJobsStorage__accountName",
        ["Licensing__SigningKeyFile"] = "Licensing__SigningKey",
        ["Licensing__StorageConnectionString"] = "Licensing__TableServiceUri",
        ["Licensing__BackupConnectionString"] = "Licensing__BackupBlobServiceUri",
    };

    [Fact]
    public async Task Every_setting_of_the_sample_is_set_by_the_template_or_replaced_by_its_azure_counterpart()
    {
        var settings = (await CompiledTemplate.GetAsync()).AppSettings();
        using var sample = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "local.settings.sample.json")));

        foreach (var name in sample.RootElement.GetProperty("Values").EnumerateObject().Select(p => p.Name))
        {
            var expected = AzureCounterpart.TryGetValue(name, out var counterpart) ? counterpart : name;
            if (expected is not null)
            {
                Assert.True(settings.ContainsKey(expected), $"the template does not set {expected} (for {name})");
            }
        }

        Assert.False(settings.ContainsKey("FUNCTIONS_WORKER_RUNTIME"), "Flex Consumption rejects FUNCTIONS_WORKER_RUNTIME");
    }

    [Fact]
    public async Task The_templates_settings_pass_the_apps_own_validation()
    {
        var template = await CompiledTemplate.GetAsync();
        var settings = template.AppSettings();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        // What Azure resolves at run time: Key Vault references to the secrets, expressions to resource values.
        var resolved = settings.ToDictionary(
            s => s.Key.Replace("__", ":", StringComparison.Ordinal),
            s => (string?)(s.Key switch
            {
                "Licensing__AdminApiKey" => "lk_admin_" + new string('a', 64),
                "Licensing__SigningKey" => key.ExportPkcs8PrivateKeyPem(),
                "Licensing__TableServiceUri" => "https://account.table.core.windows.net/",
                "Licensing__BackupBlobServiceUri" => "https://account.blob.core.windows.net/",
                "Licensing__TablePrefix" when IsExpression(s.Value) => "",
                _ when ParameterDefault(template, s.Value) is { } value => value,
                _ when IsExpression(s.Value) => "resolved-at-deployment",
                _ => s.Value,
            }));
        var options = new LicensingOptions();
        new ConfigurationBuilder().AddInMemoryCollection(resolved).Build().GetSection(LicensingOptions.Section).Bind(options);

        var result = new LicensingOptionsValidator().Validate(null, options);

        Assert.True(result.Succeeded, result.FailureMessage);
        Assert.Equal("0 */1 * * * *", settings["Licensing__ExpirySchedule"]);
    }

    private static bool IsExpression(string value) => ExpressionPattern().IsMatch(value);

    /// <summary>
    /// A setting that is just a parameter, e.g. <c>[parameters('adminTokenIssuer')]</c> or <c>[string(parameters('trustedProxyCount'))]</c>:
    /// that parameter's default, as text.
    /// </summary>
    private static string? ParameterDefault(CompiledTemplate template, string value)
    {
        var match = ParameterPattern().Match(value);
        return match.Success
               && template.Json.RootElement.GetProperty("parameters").TryGetProperty(match.Groups[1].Value, out var parameter)
               && parameter.TryGetProperty("defaultValue", out var defaultValue)
            ? defaultValue.ValueKind switch
            {
                JsonValueKind.String => defaultValue.GetString(),
                JsonValueKind.Number => defaultValue.GetRawText(),
                _ => null,
            }
            : null;
    }

    /// <summary>A parameter's value, as it is or as string(...) of a number.</summary>
    [GeneratedRegex(@"^\[(?:string\()?parameters\('([A-Za-z0-9_]+)'\)\)?\]$")]
    private static partial Regex ParameterPattern();

    [GeneratedRegex(@"^\[.*\]$", RegexOptions.Singleline)]
    private static partial Regex ExpressionPattern();
}
