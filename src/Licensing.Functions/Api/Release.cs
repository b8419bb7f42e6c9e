namespace Licensing.Api;

/// <summary>POST /v1/license/release: Ends a floating lease and frees its seat at once.</summary>
public sealed class Release(ClientCalls calls)
{
    [Function(nameof(Release))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.Release)] HttpRequest req) =>
        calls.ReleaseAsync(req);
}
