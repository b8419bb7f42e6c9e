using System.Net;
using Licensing.Http;
using Licensing.Tests.Support;

namespace Licensing.Tests.Portal;

/// <summary>
/// GET /portal serves the embedded customer portal as the console is served: the strict CSP, nosniff and no framing on
/// every file, its own files and the shared ones byte for byte, and nothing of the console's.
/// </summary>
public sealed class PortalServingTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static readonly string SourceFolder = Path.Combine(RepoPaths.Root, "src", "Licensing.Functions", "PortalUi");
    private static readonly string SharedFolder = Path.Combine(RepoPaths.Root, "src", "Licensing.Functions", "SharedUi");

    [Fact]
    public async Task The_portal_folder_is_its_html_page_with_the_strict_csp_nosniff_no_framing_and_revalidation()
    {
        using var response = await GetAsync("portal/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal(
            "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
            "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
            Header(response, "Content-Security-Policy"));
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
        Assert.Equal("no-cache", Header(response, "Cache-Control"));
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(SourceFolder, "index.html")), await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Bare_portal_redirects_to_the_folder_by_a_relative_location()
    {
        using var response = await GetAsync("portal");

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal("portal/", response.Headers.Location!.OriginalString);
        Assert.Equal(PageAssets.ContentSecurityPolicy, Header(response, "Content-Security-Policy"));
    }

    [Fact]
    public async Task Every_file_of_the_portal_and_shared_folders_is_embedded_and_served_byte_for_byte()
    {
        var onDisk = Directory.GetFiles(SourceFolder).Concat(Directory.GetFiles(SharedFolder))
            .ToDictionary(p => Path.GetFileName(p), StringComparer.Ordinal);

        Assert.Equal(onDisk.Keys.Order(StringComparer.Ordinal), PageAssets.Portal.Names.Order(StringComparer.Ordinal));
        Assert.Equal(11, onDisk.Count);
        foreach (var (name, path) in onDisk)
        {
            using var response = await GetAsync("portal/" + name);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(PageAssets.ContentSecurityPolicy, Header(response, "Content-Security-Policy"));
            Assert.Equal(await File.ReadAllBytesAsync(path), await response.Content.ReadAsByteArrayAsync());
        }
    }

    [Theory]
    [InlineData("portal/api.js")]
    [InlineData("portal/licenses.js")]
    [InlineData("portal/app.js")]
    [InlineData("console/portal.js")]
    [InlineData("console/session.js")]
    public async Task A_file_of_the_other_page_is_the_apis_404_problem(string path)
    {
        using var response = await GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(ApiResult.ProblemContentType, response.Content.Headers.ContentType!.ToString());
    }

    [Theory]
    [InlineData("portal/%2e%2e/host.json")]
    [InlineData("portal/..%2fconsole%2fapp.js")]
    [InlineData("portal/%2e%2e%2fhost.json")]
    public async Task A_path_that_climbs_out_of_the_portal_is_a_404(string path)
    {
        using var client = NoRedirectClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.Http.BaseAddress + path, UriKind.Absolute));
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(ApiResult.ProblemContentType, response.Content.Headers.ContentType!.ToString());
    }

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
}
