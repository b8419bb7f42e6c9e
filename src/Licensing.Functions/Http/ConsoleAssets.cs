using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Licensing.Http;

/// <summary>
/// The admin console's files, embedded under the logical names <c>console/...</c>: looked up by exact name only, so a
/// path that is not one of them (a traversal, an encoded slash, a different case) is a 404 like any unknown route.
/// </summary>
public static class ConsoleAssets
{
    public const string ResourcePrefix = "console/";
    public const string IndexName = "index.html";

    /// <summary>script-src 'self' and no 'unsafe-inline' anywhere: the page runs only the module files served here.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>Revalidated on every load (cheap: an ETag), so a deployment's new console shows at once.</summary>
    public const string CacheControl = "no-cache";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>
    {
        [".html"] = "text/html; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, ConsoleAsset> Files = Load();

    /// <summary>Every file's name under /console/ (for tests and diagnostics).</summary>
    public static IReadOnlyCollection<string> Names => Files.Keys;

    public static ConsoleAsset? Find(string name) => Files.GetValueOrDefault(name);

    /// <summary>
    /// The answer to GET /console/{asset}: <c>/console</c> redirects to <c>/console/</c> so the page's relative links
    /// resolve under any route prefix; <c>/console/</c> is the page; a known file is itself (304 when unchanged).
    /// </summary>
    public static IActionResult Answer(HttpRequest request, string? asset)
    {
        var path = request.Path.Value ?? "";
        if (string.IsNullOrEmpty(asset))
        {
            if (!path.EndsWith('/'))
            {
                return new ConsoleAssetResult.Redirect("console/");
            }

            asset = IndexName;
        }

        if (Find(asset) is not { } file)
        {
            return Problems.RouteNotFound(path);
        }

        var notModified = request.Headers.IfNoneMatch.Any(tag => tag == file.ETag);
        return new ConsoleAssetResult.File(file, notModified);
    }

    private static FrozenDictionary<string, ConsoleAsset> Load()
    {
        var assembly = typeof(ConsoleAssets).Assembly;
        var files = new Dictionary<string, ConsoleAsset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            var name = resource[ResourcePrefix.Length..];
            if (!ContentTypes.TryGetValue(Path.GetExtension(name), out var contentType))
            {
                throw new InvalidOperationException($"The console file '{name}' has no known content type.");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 12)) + "\"";
            files[name] = new ConsoleAsset(name, contentType, bytes, etag);
        }

        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }
}

public sealed record ConsoleAsset(string Name, string ContentType, byte[] Content, string ETag);
