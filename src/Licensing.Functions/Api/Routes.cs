namespace Licensing.Api;

/// <summary>Every route, as the functions declare them (host.json's routePrefix is empty).</summary>
public static class Routes
{
    public const string Activate = "v1/license/activate";
    public const string Deactivate = "v1/license/deactivate";
    public const string Request = "v1/license/request";
    public const string Release = "v1/license/release";
    public const string Heartbeat = "v1/license/heartbeat";
    public const string Validate = "v1/license/validate";
    public const string Info = "v1/license/info";
    public const string Keys = "v1/license/keys";
    public const string Trial = "v1/license/trial";
    public const string Borrow = "v1/license/borrow";
    public const string OfflineActivate = "v1/license/offline/activate";
    public const string OfflineDeactivate = "v1/license/offline/deactivate";
    public const string Usage = "v1/license/usage";
    public const string PortalSession = "v1/portal/session";
    public const string PortalLicense = "v1/portal/license";
    public const string PortalLicenseEvents = "v1/portal/license/events";
    public const string PortalFreeSeat = "v1/portal/license/seats/{token}/release";
    public const string PortalLicenseDocument = "v1/portal/license/document";
    public const string PortalOfflineActivate = "v1/portal/license/offline/activate";
    public const string PortalOfflineDeactivate = "v1/portal/license/offline/deactivate";
    public const string AdminLicenses = "v1/admin/licenses";
    public const string AdminLicense = "v1/admin/licenses/{licenseId}";
    public const string AdminLicenseSeats = "v1/admin/licenses/{licenseId}/seats";
    public const string AdminLicenseUsage = "v1/admin/licenses/{licenseId}/usage";
    public const string AdminLicenseEvents = "v1/admin/licenses/{licenseId}/events";
    public const string AdminResetMeter = "v1/admin/licenses/{licenseId}/meters/{code}/reset";
    public const string AdminRevokeToken = "v1/admin/licenses/{licenseId}/tokens/revoke";
    public const string AdminPolicies = "v1/admin/policies";
    public const string AdminPolicy = "v1/admin/policies/{policyId}";
    public const string AdminApiKeys = "v1/admin/api-keys";
    public const string AdminApiKey = "v1/admin/api-keys/{id}";
    public const string AdminApiKeyEvents = "v1/admin/api-keys/events";
    public const string AdminWebhooks = "v1/admin/webhooks";
    public const string AdminWebhook = "v1/admin/webhooks/{id}";
    public const string AdminWebhookDeliveries = "v1/admin/webhooks/{id}/deliveries";
    public const string AdminWebhookRedeliver = "v1/admin/webhooks/{id}/deliveries/{deliveryId}/redeliver";
    public const string AdminWebhookPing = "v1/admin/webhooks/{id}/ping";
    public const string AdminWhoAmI = "v1/admin/whoami";
    public const string Console = "console/{*asset}";
    public const string Portal = "portal/{*asset}";
    public const string OpenApi = "v1/openapi.json";
    public const string Anything = "{*path}";
}
