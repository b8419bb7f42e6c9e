namespace Licensing.Api;

/// <summary>GET /v1/admin/whoami: the caller, the address chosen for it, and the forwarding headers the app received.</summary>
public sealed class WhoAmI(AdminDiagnostics diagnostics)
{
    [Function(nameof(WhoAmI))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.AdminWhoAmI)] HttpRequest req) =>
        diagnostics.WhoAmIAsync(req);
}
