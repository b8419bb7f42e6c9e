using Licensing.Http;
using Licensing.Seats;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Licensing.Api;

/// <summary>POST /v1/license/activate: Binds a machine to an activation license (mode 1).</summary>
public sealed class Activate(ApiEndpoint endpoint, ActivationService activations)
{
    [Function(nameof(Activate))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.Activate)] HttpRequest req) =>
        endpoint.RunClientCallAsync(req, ClientCall.ByUserKey, activations.ActivateAsync);
}
