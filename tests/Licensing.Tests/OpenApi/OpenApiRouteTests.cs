using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Licensing.Api;
using Licensing.Tests.Support;

namespace Licensing.Tests.OpenApi;

/// <summary>The OpenAPI document describes exactly the routes and methods the functions declare, and is served without credentials.</summary>
public sealed class OpenApiRouteTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public void The_documents_paths_and_methods_are_exactly_the_functions_routes_and_methods()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "host.json")));
        var prefix = host.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString()!;
        var declared = FunctionRoutes.Discover(typeof(FunctionRoutes).Assembly)
            .Where(f => f.Name != Fallback.FunctionName)
            .SelectMany(f => f.Methods.Select(m => $"{m.ToUpperInvariant()} /{Prefixed(prefix, f.Route).Replace("{*", "{", StringComparison.Ordinal)}"))
            .Order(StringComparer.Ordinal)
            .ToArray();

        var documented = OpenApiContract.Served.Operations.Select(o => $"{o.Method} {o.Template}").Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(53, declared.Length);
        Assert.Equal(declared, documented);
    }

    [Fact]
    public async Task The_document_is_served_without_credentials_as_openapi_3_0()
    {
        using var response = await server.Http.GetAsync(new Uri("v1/openapi.json", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        var served = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("3.0.3", served["openapi"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(OpenApiDocument.Json.Span), served));
    }

    [Fact]
    public void The_three_security_schemes_are_described_as_the_app_accepts_them()
    {
        var schemes = JsonNode.Parse(OpenApiDocument.Json.Span)!["components"]!["securitySchemes"]!;

        Assert.Equal(
            """{"type":"apiKey","in":"header","name":"x-api-key"}""",
            Without(schemes["ApiKey"]!, "description"));
        Assert.Equal(
            """{"type":"http","scheme":"bearer","bearerFormat":"JWT"}""",
            Without(schemes["Bearer"]!, "description"));
        Assert.Equal(
            """{"type":"http","scheme":"bearer","bearerFormat":"JWT"}""",
            Without(schemes["PortalSession"]!, "description"));
    }

    private static string Prefixed(string prefix, string route) => prefix.Length == 0 ? route : $"{prefix.Trim('/')}/{route}";

    private static string Without(JsonNode node, string property)
    {
        var copy = node.DeepClone().AsObject();
        copy.Remove(property);
        return copy.ToJsonString();
    }
}
