namespace Licensing.Api;

/// <summary>GET /v1/openapi.json: the OpenAPI document of every route, no credentials needed.</summary>
public sealed class OpenApi(ApiEndpoint endpoint)
{
    [Function(nameof(OpenApi))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.OpenApi)] HttpRequest req) =>
        endpoint.RunAnonymousAsync("openapi", req, _ => Task.FromResult<IActionResult>(ApiResult.OkBytes(OpenApiDocument.Json)));
}

/// <summary>The OpenAPI 3.0 document (Api/openapi.json, embedded as it is written): the one description of the routes.</summary>
public static class OpenApiDocument
{
    private const string ResourceName = "Licensing.openapi.json";

    private static readonly Lazy<byte[]> Bytes = new(() =>
    {
        using var stream = typeof(OpenApiDocument).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The resource {ResourceName} is missing from the build.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    public static ReadOnlyMemory<byte> Json => Bytes.Value;
}
