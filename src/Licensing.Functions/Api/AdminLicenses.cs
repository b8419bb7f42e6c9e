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
        endpoint.RunWithBodyAsync(req, ApiScopes.Admin, (_, body, ct) => licenses.CreateAsync(body, ct));
}

/// <summary>GET /v1/admin/licenses?pageSize=&amp;continuationToken=: a page of licenses.</summary>
public sealed class ListLicenses(ApiEndpoint endpoint, AdminLicenseService licenses)
{
    [Function(nameof(ListLicenses))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.AdminLicenses)] HttpRequest req) =>
        endpoint.RunAsync(req, ApiScopes.Admin, (_, ct) =>
        {
            var pageSize = 100;
            var size = req.Query["pageSize"].ToString();
            if (size.Length > 0 && (!int.TryParse(size, out pageSize) || pageSize is < 1 or > AdminLicenseService.MaxPageSize))
            {
                return Task.FromResult(Problems.Validation(new Dictionary<string, string[]>
                {
                    ["pageSize"] = [$"must be a whole number from 1 to {AdminLicenseService.MaxPageSize}."],
                }));
            }

            var token = req.Query["continuationToken"].ToString();
            return licenses.ListAsync(pageSize, token.Length == 0 ? null : token, ct);
        });
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
        endpoint.RunWithBodyAsync(req, ApiScopes.Admin, (_, body, ct) => LicenseIds.IfWellFormed(licenseId, () => licenses.PatchAsync(licenseId, body, ct)));
}

/// <summary>DELETE /v1/admin/licenses/{licenseId}: its tokens stop working at once.</summary>
public sealed class DeleteLicense(ApiEndpoint endpoint, AdminLicenseService licenses)
{
    [Function(nameof(DeleteLicense))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = Routes.AdminLicense)] HttpRequest req, string licenseId) =>
        endpoint.RunAsync(req, ApiScopes.Admin, (_, ct) => LicenseIds.IfWellFormed(licenseId, () => licenses.DeleteAsync(licenseId, ct)));
}

/// <summary>POST /v1/admin/licenses/{licenseId}/tokens/revoke: ends one seat at once.</summary>
public sealed class RevokeToken(ApiEndpoint endpoint, AdminLicenseService licenses)
{
    [Function(nameof(RevokeToken))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.AdminRevokeToken)] HttpRequest req, string licenseId) =>
        endpoint.RunWithBodyAsync(req, ApiScopes.Admin, (_, body, ct) => LicenseIds.IfWellFormed(licenseId, () => licenses.RevokeTokenAsync(licenseId, body, ct)));
}
