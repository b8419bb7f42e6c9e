namespace Licensing.LocalHost;

/// <summary>
/// What the Functions host would read from beside the app: local.settings.json's Values (else the sample's) and
/// host.json's route prefix, found in the working folder or the nearest folder above it.
/// </summary>
public static class LocalSettings
{
    public const string SettingsFile = "local.settings.json";
    public const string SampleSettingsFile = "local.settings.sample.json";
    public const string HostFile = "host.json";

    /// <summary>The settings file's Values as configuration keys (<c>A__B</c> becomes <c>A:B</c>), and the file used.</summary>
    public static (Dictionary<string, string?> Values, string? File) ReadValues(string startFolder)
    {
        var file = FindUp(startFolder, SettingsFile) ?? FindUp(startFolder, SampleSettingsFile);
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (file is null)
        {
            return (values, null);
        }

        using var document = JsonDocument.Parse(File.ReadAllText(file), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        if (document.RootElement.TryGetProperty("Values", out var section) && section.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in section.EnumerateObject())
            {
                values[property.Name.Replace("__", ":", StringComparison.Ordinal)] =
                    property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : property.Value.GetRawText();
            }
        }

        return (values, file);
    }

    /// <summary>host.json's <c>extensions.http.routePrefix</c>; the Functions host's default is <c>api</c>.</summary>
    public static string RoutePrefix(string startFolder)
    {
        var file = FindUp(startFolder, HostFile);
        if (file is null)
        {
            return "api";
        }

        using var document = JsonDocument.Parse(File.ReadAllText(file));
        return document.RootElement.TryGetProperty("extensions", out var extensions)
               && extensions.TryGetProperty("http", out var http)
               && http.TryGetProperty("routePrefix", out var prefix)
               && prefix.ValueKind == JsonValueKind.String
            ? prefix.GetString()!.Trim('/')
            : "api";
    }

    private static string? FindUp(string folder, string name)
    {
        for (var dir = new DirectoryInfo(folder); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
