using Licensing.Http;
using Licensing.Seats;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Licensing.Api;

/// <summary>POST /v1/license/deactivate: Frees a machine's activation seat.</summary>
public sealed class Deactivate(ApiEndpoint endpoint, ActivationService activations)
{
    [Function(nameof(Deactivate))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.Deactivate)] HttpRequest req) =>
        endpoint.RunClientCallAsync(req, ClientCall.ByUserKey, activations.DeactivateAsync);
}
