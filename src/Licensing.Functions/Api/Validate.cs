namespace Licensing.Api;

/// <summary>POST /v1/license/validate: Says whether the license is usable now by this caller.</summary>
public sealed class Validate(ClientCalls calls)
{
    [Function(nameof(Validate))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.Validate)] HttpRequest req) =>
        calls.ValidateAsync(req);
}
