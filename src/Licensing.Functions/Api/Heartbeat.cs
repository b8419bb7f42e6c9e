namespace Licensing.Api;

/// <summary>POST /v1/license/heartbeat: Keeps a floating lease alive.</summary>
public sealed class Heartbeat(ClientCalls calls)
{
    [Function(nameof(Heartbeat))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.Heartbeat)] HttpRequest req) =>
        calls.HeartbeatAsync(req);
}
