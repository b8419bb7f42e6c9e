namespace Licensing.Api;

/// <summary>POST /v1/license/trial: activates a machine on its one trial of a product, made from the trial policy.</summary>
public sealed class Trial(TrialCalls calls)
{
    [Function(nameof(Trial))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.Trial)] HttpRequest req) =>
        calls.StartAsync(req);
}
