namespace Licensing.Api;

/// <summary>POST /v1/license/offline/activate: answers an air-gapped machine's activation request with a signed response.</summary>
public sealed class OfflineActivate(OfflineCalls calls)
{
    [Function(nameof(OfflineActivate))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.OfflineActivate)] HttpRequest req) =>
        calls.ActivateAsync(req);
}
