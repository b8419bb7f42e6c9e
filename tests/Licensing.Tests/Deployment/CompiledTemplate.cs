using System.Text.Json;

namespace Licensing.Tests.Deployment;

/// <summary>infra/main.bicep compiled to ARM JSON once per run, with helpers to find its resources wherever modules nest them.</summary>
public sealed class CompiledTemplate
{
    private static readonly Lazy<Task<CompiledTemplate>> Instance = new(BuildAsync);

    private CompiledTemplate(JsonDocument json) => Json = json;

    public JsonDocument Json { get; }

    public static Task<CompiledTemplate> GetAsync() => Instance.Value;

    /// <summary>Every resource the template and its nested module templates deploy ('existing' references left out).</summary>
    public IReadOnlyList<JsonElement> Resources => Collect(Json.RootElement).ToList();

    public IReadOnlyList<JsonElement> OfType(string type) =>
        Resources.Where(r => string.Equals(r.GetProperty("type").GetString(), type, StringComparison.OrdinalIgnoreCase)).ToList();

    public JsonElement One(string type) => Assert.Single(OfType(type));

    /// <summary>The function app's settings by name, whether declared in siteConfig.appSettings or a sites/config 'appsettings' resource.</summary>
    public IReadOnlyDictionary<string, string> AppSettings()
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var site in OfType("Microsoft.Web/sites"))
        {
            if (site.TryGetProperty("properties", out var properties)
                && properties.TryGetProperty("siteConfig", out var siteConfig)
                && siteConfig.TryGetProperty("appSettings", out var appSettings)
                && appSettings.ValueKind == JsonValueKind.Array)
            {
                foreach (var setting in appSettings.EnumerateArray())
                {
                    settings[setting.GetProperty("name").GetString()!] = Text(setting.GetProperty("value"));
                }
            }
        }

        foreach (var config in OfType("Microsoft.Web/sites/config"))
        {
            if (config.GetProperty("name").GetString()!.Contains("appsettings", StringComparison.OrdinalIgnoreCase)
                && config.GetProperty("properties").ValueKind == JsonValueKind.Object)
            {
                foreach (var setting in config.GetProperty("properties").EnumerateObject())
                {
                    settings[setting.Name] = Text(setting.Value);
                }
            }
        }

        return settings;
    }

    private static string Text(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();

    private static IEnumerable<JsonElement> Collect(JsonElement template)
    {
        if (!template.TryGetProperty("resources", out var resources))
        {
            yield break;
        }

        var list = resources.ValueKind == JsonValueKind.Array
            ? resources.EnumerateArray().ToList()
            : resources.EnumerateObject().Select(p => p.Value).ToList();
        // An 'existing' reference (what a module reads, never deploys) is no declaration.
        foreach (var resource in list.Where(r => !(r.TryGetProperty("existing", out var existing) && existing.ValueKind == JsonValueKind.True)))
        {
            yield return resource;
            if (resource.GetProperty("type").GetString() == "Microsoft.Resources/deployments"
                && resource.GetProperty("properties").TryGetProperty("template", out var nested))
            {
                foreach (var inner in Collect(nested))
                {
                    yield return inner;
                }
            }
        }
    }

    private static async Task<CompiledTemplate> BuildAsync()
    {
        var result = await BicepCli.RunAsync("build", "main.bicep", "--stdout");
        Assert.True(result.ExitCode == 0, result.ToString());
        return new CompiledTemplate(JsonDocument.Parse(result.StdOut));
    }
}
