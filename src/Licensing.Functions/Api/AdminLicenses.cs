namespace Licensing.Api;

/// <summary>POST /v1/admin/licenses: creates a license.</summary>
public sealed class CreateLicense(AdminLicenseCalls calls)
{
    [Function(nameof(CreateLicense))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.AdminLicenses)] HttpRequest req) =>
        calls.CreateAsync(req);
}

/// <summary>GET /v1/admin/licenses?pageSize=&amp;continuationToken=: a page of licenses.</summary>
public sealed class ListLicenses(AdminLicenseCalls calls)
{
    [Function(nameof(ListLicenses))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.AdminLicenses)] HttpRequest req) =>
        calls.ListAsync(req);
}

/// <summary>GET /v1/admin/licenses/{licenseId}: the license and its tokens.</summary>
public sealed class GetLicense(AdminLicenseCalls calls)
{
    [Function(nameof(GetLicense))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.AdminLicense)] HttpRequest req, string licenseId) =>
        calls.GetAsync(req, licenseId);
}

/// <summary>PATCH /v1/admin/licenses/{licenseId}: changes limits, dates, features or state.</summary>
public sealed class UpdateLicense(AdminLicenseCalls calls)
{
    [Function(nameof(UpdateLicense))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = Routes.AdminLicense)] HttpRequest req, string licenseId) =>
        calls.PatchAsync(req, licenseId);
}

/// <summary>DELETE /v1/admin/licenses/{licenseId}: its tokens stop working at once.</summary>
public sealed class DeleteLicense(AdminLicenseCalls calls)
{
    [Function(nameof(DeleteLicense))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = Routes.AdminLicense)] HttpRequest req, string licenseId) =>
        calls.DeleteAsync(req, licenseId);
}

/// <summary>POST /v1/admin/licenses/{licenseId}/tokens/revoke: ends one seat at once.</summary>
public sealed class RevokeToken(AdminLicenseCalls calls)
{
    [Function(nameof(RevokeToken))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.AdminRevokeToken)] HttpRequest req, string licenseId) =>
        calls.RevokeTokenAsync(req, licenseId);
}

/// <summary>GET /v1/admin/licenses/{licenseId}/events?pageSize=&amp;continuationToken=: the audit trail, newest first.</summary>
public sealed class ListLicenseEvents(AdminLicenseCalls calls)
{
    [Function(nameof(ListLicenseEvents))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.AdminLicenseEvents)] HttpRequest req, string licenseId) =>
        calls.EventsAsync(req, licenseId);
}

/// <summary>GET /v1/admin/licenses/{licenseId}/seats?pageSize=&amp;continuationToken=: every seat row of the license, page by page.</summary>
public sealed class ListLicenseSeats(AdminLicenseCalls calls)
{
    [Function(nameof(ListLicenseSeats))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.AdminLicenseSeats)] HttpRequest req, string licenseId) =>
        calls.SeatsAsync(req, licenseId);
}

/// <summary>GET /v1/admin/licenses/{licenseId}/usage?from=&amp;to=: seats in use, granted and refused, per UTC hour.</summary>
public sealed class GetLicenseUsage(AdminLicenseCalls calls)
{
    [Function(nameof(GetLicenseUsage))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.AdminLicenseUsage)] HttpRequest req, string licenseId) =>
        calls.UsageAsync(req, licenseId);
}
