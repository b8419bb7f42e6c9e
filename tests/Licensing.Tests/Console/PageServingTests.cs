using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Licensing.Http;
using Licensing.Tests.Support;

namespace Licensing.Tests.Console;

/// <summary>
/// GET /console serves the embedded admin console and GET /portal the customer portal: exact content types, the strict
/// CSP, nosniff and no framing on every file, only each page's embedded files and the shared ones (an unknown name, the
/// other page's file or a traversal is the API's 404 problem), and pages without inline script.
/// </summary>
public sealed partial class PageServingTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const string Csp =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>The files both pages serve, each under its own folder.</summary>
    private static readonly string SharedFolder = Source("SharedUi");

    [Theory]
    [InlineData("console", "ConsoleUi")]
    [InlineData("portal", "PortalUi")]
    public async Task A_pages_folder_is_its_html_page_with_the_strict_csp_nosniff_no_framing_and_revalidation(string site, string folder)
    {
        using var response = await GetAsync(site + "/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal(Csp, Header(response, "Content-Security-Policy"));
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
        Assert.Equal("no-cache", Header(response, "Cache-Control"));
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(Source(folder), "index.html")), await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("console")]
    [InlineData("portal")]
    public async Task A_bare_page_name_redirects_to_its_folder_by_a_relative_location_so_the_page_works_under_any_route_prefix(string site)
    {
        using var response = await GetAsync(site);

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal(site + "/", response.Headers.Location!.OriginalString);
        Assert.Equal(Csp, Header(response, "Content-Security-Policy"));
    }

    [Theory]
    [InlineData("app.js", "text/javascript; charset=utf-8")]
    [InlineData("license.js", "text/javascript; charset=utf-8")]
    [InlineData("pages.css", "text/css; charset=utf-8")]
    [InlineData("icon.svg", "image/svg+xml")]
    [InlineData("index.html", "text/html; charset=utf-8")]
    public async Task Each_file_is_served_with_its_exact_content_type_and_the_security_headers(string name, string contentType)
    {
        using var response = await GetAsync("console/" + name);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType!.ToString());
        Assert.Equal(Csp, Header(response, "Content-Security-Policy"));
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
    }

    [Theory]
    [InlineData("console", "ConsoleUi", 17)]
    [InlineData("portal", "PortalUi", 12)]
    public async Task Every_file_of_a_pages_folder_and_the_shared_folder_is_embedded_and_served_byte_for_byte(string site, string folder, int count)
    {
        var onDisk = Directory.GetFiles(Source(folder)).Concat(Directory.GetFiles(SharedFolder))
            .ToDictionary(p => Path.GetFileName(p), StringComparer.Ordinal);

        Assert.Equal(onDisk.Keys.Order(StringComparer.Ordinal), Site(site).Names.Order(StringComparer.Ordinal));
        Assert.Equal(count, onDisk.Count);
        foreach (var (name, path) in onDisk)
        {
            using var response = await GetAsync($"{site}/{name}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(Csp, Header(response, "Content-Security-Policy"));
            Assert.Equal(await File.ReadAllBytesAsync(path), await response.Content.ReadAsByteArrayAsync());
        }
    }

    [Fact]
    public async Task A_file_asked_again_with_its_etag_is_a_304_without_a_body()
    {
        using var first = await GetAsync("console/app.js");
        var etag = first.Headers.ETag!.Tag;

        using var request = new HttpRequestMessage(HttpMethod.Get, "console/app.js");
        request.Headers.TryAddWithoutValidation("If-None-Match", etag);
        using var client = NoRedirectClient();
        using var again = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        Assert.Empty(await again.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("console/nothing.js")]
    [InlineData("console/APP.JS")]
    [InlineData("console/app.js.map")]
    [InlineData("console/sub/app.js")]
    [InlineData("console/portal.js")]
    [InlineData("console/session.js")]
    [InlineData("portal/app.js")]
    [InlineData("portal/api.js")]
    [InlineData("portal/licenses.js")]
    public async Task An_unknown_file_or_one_of_the_other_page_is_the_apis_404_problem(string path)
    {
        using var response = await GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(ApiResult.ProblemContentType, response.Content.Headers.ContentType!.ToString());
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("not_found", problem.RootElement.GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("console/%2e%2e/host.json")]
    [InlineData("console/..%2fhost.json")]
    [InlineData("console/..%5capp.js")]
    [InlineData("console/%2e%2e%2f%2e%2e%2fLicensing.Functions.dll")]
    [InlineData("console/.%2fapp.js")]
    [InlineData("portal/%2e%2e/host.json")]
    [InlineData("portal/..%2fconsole%2fapp.js")]
    public async Task A_path_that_climbs_out_of_a_page_or_encodes_a_separator_is_a_404(string path)
    {
        using var client = NoRedirectClient();
        // Sent as written: HttpClient would otherwise resolve the dot segments itself.
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.Http.BaseAddress + path, UriKind.Absolute));
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(ApiResult.ProblemContentType, response.Content.Headers.ContentType!.ToString());
    }

    [Fact]
    public async Task A_post_to_the_console_is_a_405_naming_get_and_head()
    {
        using var client = NoRedirectClient();
        using var response = await client.PostAsync("console/app.js", new StringContent("{}"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("GET, HEAD", Header(response, "Allow"));
    }

    [Theory]
    [InlineData("console", "app.js")]
    [InlineData("portal", "portal.js")]
    public void No_html_file_has_an_inline_script_a_style_attribute_or_an_event_handler_attribute(string site, string entryScript)
    {
        var assets = Site(site);
        var pages = assets.Names.Where(n => n.EndsWith(".html", StringComparison.Ordinal)).ToList();

        Assert.Single(pages);
        foreach (var name in pages)
        {
            var html = System.Text.Encoding.UTF8.GetString(assets.Find(name)!.Content);
            var scripts = ScriptTag().Matches(html);
            Assert.Single(scripts);
            Assert.All(scripts, s => Assert.Equal(("module", entryScript, ""), (s.Groups["type"].Value, s.Groups["src"].Value, s.Groups["body"].Value)));
            Assert.Empty(StyleOrHandlerAttribute().Matches(html));
            Assert.DoesNotContain("<style", html, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [InlineData("console", 14)]
    [InlineData("portal", 9)]
    public void No_script_writes_markup_or_style_attributes_from_strings(string site, int scriptCount)
    {
        var assets = Site(site);
        var scripts = assets.Names.Where(n => n.EndsWith(".js", StringComparison.Ordinal)).ToList();

        Assert.Equal(scriptCount, scripts.Count);
        foreach (var name in scripts)
        {
            var code = System.Text.Encoding.UTF8.GetString(assets.Find(name)!.Content);
            Assert.DoesNotMatch(MarkupSink(), code);
        }
    }

    private static PageAssets Site(string site) => site == "console" ? PageAssets.Console : PageAssets.Portal;

    private static string Source(string folder) => Path.Combine(RepoPaths.Root, "src", "Licensing.Functions", folder);

    private async Task<HttpResponseMessage> GetAsync(string path)
    {
        using var client = NoRedirectClient();
        return await client.GetAsync(path);
    }

    private HttpClient NoRedirectClient() =>
        new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.Http.BaseAddress };

    private static string Header(HttpResponseMessage response, string name) =>
        string.Join(", ", response.Headers.TryGetValues(name, out var values) ? values
            : response.Content.Headers.TryGetValues(name, out var contentValues) ? contentValues : []);

    [GeneratedRegex("""<script(?:\s+type="(?<type>[^"]*)"|\s+src="(?<src>[^"]*)")*\s*>(?<body>.*?)</script>""", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex ScriptTag();

    [GeneratedRegex("""\s(?:style|on[a-z]+)\s*=""", RegexOptions.IgnoreCase)]
    private static partial Regex StyleOrHandlerAttribute();

    [GeneratedRegex("""innerHTML|outerHTML|insertAdjacentHTML|document\.write|setAttribute\(\s*['"]style|\beval\(|new Function\(""")]
    private static partial Regex MarkupSink();
}
