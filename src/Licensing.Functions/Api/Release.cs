using Licensing.Http;
using Licensing.Seats;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Licensing.Api;

/// <summary>POST /v1/license/release: Ends a floating lease and frees its seat at once.</summary>
public sealed class Release(ApiEndpoint endpoint, LeaseService leases)
{
    [Function(nameof(Release))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.Release)] HttpRequest req) =>
        endpoint.RunClientCallAsync(req, ClientCall.ByToken, leases.ReleaseAsync);
}
