using Licensing.Http;
using Licensing.Seats;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Licensing.Api;

/// <summary>POST /v1/license/validate: Says whether the license is usable now by this caller.</summary>
public sealed class Validate(ApiEndpoint endpoint, ValidationService validation)
{
    [Function(nameof(Validate))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.Validate)] HttpRequest req) =>
        endpoint.RunClientCallAsync(req, ClientCall.ByUserKey, validation.ValidateAsync);
}
