namespace Licensing.Api;

/// <summary>POST /v1/license/usage: records use against a license's meter, once per eventId.</summary>
public sealed class RecordUsage(UsageCalls calls)
{
    [Function(nameof(RecordUsage))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.Usage)] HttpRequest req) =>
        calls.RecordAsync(req);
}

/// <summary>POST /v1/admin/licenses/{licenseId}/meters/{code}/reset: starts a meter's count again from zero.</summary>
public sealed class ResetMeter(UsageCalls calls)
{
    [Function(nameof(ResetMeter))]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.AdminResetMeter)] HttpRequest req,
        string licenseId,
        string code) =>
        calls.ResetAsync(req, licenseId, code);
}
