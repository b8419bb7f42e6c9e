namespace Licensing.Api;

/// <summary>POST /v1/license/info: The license and every seat it holds.</summary>
public sealed class Info(ClientCalls calls)
{
    [Function(nameof(Info))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.Info)] HttpRequest req) =>
        calls.InfoAsync(req);
}
