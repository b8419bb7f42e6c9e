using Licensing.Http;
using Licensing.Seats;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Licensing.Api;

/// <summary>POST /v1/license/heartbeat: Keeps a floating lease alive.</summary>
public sealed class Heartbeat(ApiEndpoint endpoint, LeaseService leases)
{
    [Function(nameof(Heartbeat))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.Heartbeat)] HttpRequest req) =>
        endpoint.RunClientCallAsync(req, ClientCall.ByToken, leases.HeartbeatAsync);
}
