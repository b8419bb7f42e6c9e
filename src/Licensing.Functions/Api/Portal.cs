namespace Licensing.Api;

/// <summary>POST /v1/portal/session: a license's owner signs in to the customer portal with the license key.</summary>
public sealed class PortalSignIn(PortalCalls calls)
{
    [Function(nameof(PortalSignIn))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.PortalSession)] HttpRequest req) =>
        calls.SignInAsync(req);
}

/// <summary>GET /v1/portal/license: the session's license, its live seats and the moves it has left.</summary>
public sealed class PortalLicense(PortalCalls calls)
{
    [Function(nameof(PortalLicense))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.PortalLicense)] HttpRequest req) =>
        calls.LicenseAsync(req);
}

/// <summary>GET /v1/portal/license/events?pageSize=&amp;continuationToken=: the license's seat events and sign-ins, newest first.</summary>
public sealed class PortalLicenseEvents(PortalCalls calls)
{
    [Function(nameof(PortalLicenseEvents))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.PortalLicenseEvents)] HttpRequest req) =>
        calls.EventsAsync(req);
}

/// <summary>POST /v1/portal/license/seats/{token}/release: frees a lost machine's seat (a move in mode 1, a release in mode 2).</summary>
public sealed class PortalFreeSeat(PortalCalls calls)
{
    [Function(nameof(PortalFreeSeat))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.PortalFreeSeat)] HttpRequest req, string token) =>
        calls.FreeSeatAsync(req, token);
}

/// <summary>GET /v1/portal/license/document: the signed license document, as a file to save.</summary>
public sealed class PortalLicenseDocument(PortalCalls calls)
{
    [Function(nameof(PortalLicenseDocument))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.PortalLicenseDocument)] HttpRequest req) =>
        calls.DocumentAsync(req);
}

/// <summary>POST /v1/portal/license/offline/activate: answers an air-gapped machine's activation request of the session's license.</summary>
public sealed class PortalOfflineActivate(PortalCalls calls)
{
    [Function(nameof(PortalOfflineActivate))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.PortalOfflineActivate)] HttpRequest req) =>
        calls.OfflineActivateAsync(req);
}

/// <summary>POST /v1/portal/license/offline/deactivate: frees the seat of a machine's deactivation proof.</summary>
public sealed class PortalOfflineDeactivate(PortalCalls calls)
{
    [Function(nameof(PortalOfflineDeactivate))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.PortalOfflineDeactivate)] HttpRequest req) =>
        calls.OfflineDeactivateAsync(req);
}
