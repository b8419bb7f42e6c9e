namespace Licensing.Api;

/// <summary>POST /v1/license/deactivate: Frees a machine's activation seat.</summary>
public sealed class Deactivate(ClientCalls calls)
{
    [Function(nameof(Deactivate))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.Deactivate)] HttpRequest req) =>
        calls.DeactivateAsync(req);
}
