namespace Licensing.Api;

/// <summary>POST /v1/license/request: Checks out a floating lease (mode 2).</summary>
public sealed class RequestLicense(ClientCalls calls)
{
    [Function(nameof(RequestLicense))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.Request)] HttpRequest req) =>
        calls.RequestAsync(req);
}
