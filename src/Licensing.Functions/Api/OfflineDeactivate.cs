namespace Licensing.Api;

/// <summary>POST /v1/license/offline/deactivate: frees the seat of an air-gapped machine that proves it deleted its activation.</summary>
public sealed class OfflineDeactivate(OfflineCalls calls)
{
    [Function(nameof(OfflineDeactivate))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.OfflineDeactivate)] HttpRequest req) =>
        calls.DeactivateAsync(req);
}
