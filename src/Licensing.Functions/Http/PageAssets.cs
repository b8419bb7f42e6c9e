namespace Licensing.Http;

/// <summary>
/// A page's files, embedded in this assembly: its own under the logical names <c>{site}/...</c> and those every page
/// shares under <c>shared/...</c>, all served under <c>/{site}/</c>. Looked up by exact name only, so a path that is not
/// one of them (a traversal, an encoded slash, a different case) is a 404 like any unknown route.
/// </summary>
public sealed class PageAssets
{
    public const string SharedPrefix = "shared/";
    public const string IndexName = "index.html";

    /// <summary>script-src 'self' and no 'unsafe-inline' anywhere: a page runs only the module files served here.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>Revalidated on every load (cheap: an ETag), so a deployment's new page shows at once.</summary>
    public const string CacheControl = "no-cache";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>
    {
        [".html"] = "text/html; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    // After ContentTypes: static initializers run in the order they are written.
    /// <summary>The admin console, at /console/.</summary>
    public static PageAssets Console { get; } = new("console");

    /// <summary>The customer portal, at /portal/.</summary>
    public static PageAssets Portal { get; } = new("portal");

    private readonly string _site;
    private readonly FrozenDictionary<string, PageAsset> _files;

    private PageAssets(string site)
    {
        _site = site;
        _files = Load(site + "/");
    }

    /// <summary>Every file's name under /{site}/, its own and the shared ones (for tests and diagnostics).</summary>
    public IReadOnlyCollection<string> Names => _files.Keys;

    public PageAsset? Find(string name) => _files.GetValueOrDefault(name);

    /// <summary>
    /// The answer to GET /{site}/{asset}: <c>/{site}</c> redirects to <c>/{site}/</c> so the page's relative links
    /// resolve under any route prefix; <c>/{site}/</c> is the page; a known file is itself (304 when unchanged).
    /// </summary>
    public IActionResult Answer(HttpRequest request, string? asset)
    {
        var path = request.Path.Value ?? "";
        if (string.IsNullOrEmpty(asset))
        {
            if (!path.EndsWith('/'))
            {
                return new PageAssetResult.Redirect(_site + "/");
            }

            asset = IndexName;
        }

        if (Find(asset) is not { } file)
        {
            return Problems.RouteNotFound(path);
        }

        var notModified = request.Headers.IfNoneMatch.Any(tag => tag == file.ETag);
        return new PageAssetResult.File(file, notModified);
    }

    private static FrozenDictionary<string, PageAsset> Load(string ownPrefix)
    {
        var assembly = typeof(PageAssets).Assembly;
        var files = new Dictionary<string, PageAsset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var prefix = new[] { ownPrefix, SharedPrefix }.FirstOrDefault(p => resource.StartsWith(p, StringComparison.Ordinal));
            if (prefix is null)
            {
                continue;
            }

            var name = resource[prefix.Length..];
            if (!ContentTypes.TryGetValue(Path.GetExtension(name), out var contentType))
            {
                throw new InvalidOperationException($"The page file '{resource}' has no known content type.");
            }

            if (files.ContainsKey(name))
            {
                throw new InvalidOperationException($"The page file '{resource}' has the name of a shared file.");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 12)) + "\"";
            files[name] = new PageAsset(name, contentType, bytes, etag);
        }

        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }
}

public sealed record PageAsset(string Name, string ContentType, byte[] Content, string ETag);
