namespace Licensing.Api;

/// <summary>POST /v1/license/activate: Binds a machine to an activation license (mode 1).</summary>
public sealed class Activate(ClientCalls calls)
{
    [Function(nameof(Activate))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.Activate)] HttpRequest req) =>
        calls.ActivateAsync(req);
}
