using Licensing.Admin;
using Licensing.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Licensing.Api;

/// <summary>POST /v1/admin/licenses: creates a license.</summary>
public sealed class CreateLicense(ApiEndpoint endpoint, AdminLicenseService licenses)
{
    [Function(nameof(CreateLicense))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.AdminLicenses)] HttpRequest req) =>
        endpoint.RunWithBodyAsync(req, ApiScopes.Admin, (caller, body, ct) => licenses.CreateAsync(caller, body, ct));
}

/// <summary>GET /v1/admin/licenses?pageSize=&amp;continuationToken=: a page of licenses.</summary>
public sealed class ListLicenses(ApiEndpoint endpoint, AdminLicenseService licenses)
{
    [Function(nameof(ListLicenses))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.AdminLicenses)] HttpRequest req) =>
        endpoint.RunAsync(req, ApiScopes.Admin, (_, ct) =>
            PageQuery.TryRead(req, out var page) is { } problem ? Task.FromResult(problem) : licenses.ListAsync(page, ct));
}

/// <summary>GET /v1/admin/licenses/{licenseId}: the license and its tokens.</summary>
public sealed class GetLicense(ApiEndpoint endpoint, AdminLicenseService licenses)
{
    [Function(nameof(GetLicense))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.AdminLicense)] HttpRequest req, string licenseId) =>
        endpoint.RunAsync(req, ApiScopes.Admin, (_, ct) => LicenseIds.IfWellFormed(licenseId, () => licenses.GetAsync(licenseId, ct)));
}

/// <summary>PATCH /v1/admin/licenses/{licenseId}: changes limits, dates, features or state.</summary>
public sealed class UpdateLicense(ApiEndpoint endpoint, AdminLicenseService licenses)
{
    [Function(nameof(UpdateLicense))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = Routes.AdminLicense)] HttpRequest req, string licenseId) =>
        endpoint.RunWithBodyAsync(req, ApiScopes.Admin, (caller, body, ct) => LicenseIds.IfWellFormed(licenseId, () => licenses.PatchAsync(caller, licenseId, body, ct)));
}

/// <summary>DELETE /v1/admin/licenses/{licenseId}: its tokens stop working at once.</summary>
public sealed class DeleteLicense(ApiEndpoint endpoint, AdminLicenseService licenses)
{
    [Function(nameof(DeleteLicense))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = Routes.AdminLicense)] HttpRequest req, string licenseId) =>
        endpoint.RunAsync(req, ApiScopes.Admin, (caller, ct) => LicenseIds.IfWellFormed(licenseId, () => licenses.DeleteAsync(caller, licenseId, ct)));
}

/// <summary>POST /v1/admin/licenses/{licenseId}/tokens/revoke: ends one seat at once.</summary>
public sealed class RevokeToken(ApiEndpoint endpoint, AdminLicenseService licenses)
{
    [Function(nameof(RevokeToken))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.AdminRevokeToken)] HttpRequest req, string licenseId) =>
        endpoint.RunWithBodyAsync(req, ApiScopes.Admin, (caller, body, ct) => LicenseIds.IfWellFormed(licenseId, () => licenses.RevokeTokenAsync(caller, licenseId, body, ct)));
}

/// <summary>GET /v1/admin/licenses/{licenseId}/events?pageSize=&amp;continuationToken=: the audit trail, newest first.</summary>
public sealed class ListLicenseEvents(ApiEndpoint endpoint, AdminLicenseService licenses)
{
    [Function(nameof(ListLicenseEvents))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.AdminLicenseEvents)] HttpRequest req, string licenseId) =>
        endpoint.RunAsync(req, ApiScopes.Admin, (_, ct) => LicenseIds.IfWellFormed(licenseId, () =>
            PageQuery.TryRead(req, out var page) is { } problem ? Task.FromResult(problem) : licenses.EventsAsync(licenseId, page, ct)));
}
