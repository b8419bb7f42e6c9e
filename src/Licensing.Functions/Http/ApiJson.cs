namespace Licensing.Http;

/// <summary>Source-generated JSON for every body the API writes: camelCase, no reflection at run time.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(Problem))]
[JsonSerializable(typeof(ActivateLicenseResponse))]
[JsonSerializable(typeof(RequestLicenseResponse))]
[JsonSerializable(typeof(HeartbeatResponse))]
[JsonSerializable(typeof(BorrowLicenseResponse))]
[JsonSerializable(typeof(OfflineActivateResponse))]
[JsonSerializable(typeof(OfflineDeactivateResponse))]
[JsonSerializable(typeof(SeatCountResponse))]
[JsonSerializable(typeof(LicenseInfoResponse))]
[JsonSerializable(typeof(JwksResponse))]
[JsonSerializable(typeof(LicenseView))]
[JsonSerializable(typeof(LicensePage))]
[JsonSerializable(typeof(LicenseTokenPage))]
[JsonSerializable(typeof(ApiKeyView))]
[JsonSerializable(typeof(CreatedApiKey))]
[JsonSerializable(typeof(ApiKeyList))]
[JsonSerializable(typeof(AuditEventPage))]
[JsonSerializable(typeof(UsageView))]
[JsonSerializable(typeof(ApiKeyTerms))]
[JsonSerializable(typeof(WhoAmIView))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(PolicyView))]
[JsonSerializable(typeof(TrialLicenseResponse))]
[JsonSerializable(typeof(PolicyPage))]
[JsonSerializable(typeof(WebhookView))]
[JsonSerializable(typeof(WebhookList))]
[JsonSerializable(typeof(DeliveryView))]
[JsonSerializable(typeof(DeliveryList))]
[JsonSerializable(typeof(UsageResponse))]
[JsonSerializable(typeof(UsageBatchResponse))]
[JsonSerializable(typeof(PortalSessionResponse))]
[JsonSerializable(typeof(PortalLicenseView))]
public sealed partial class ApiJson : JsonSerializerContext
{
    /// <summary>As <see cref="Default"/>, but writes text such as apostrophes as they are (the body is JSON, never HTML).</summary>
    public static ApiJson Wire { get; } = new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    });
}
