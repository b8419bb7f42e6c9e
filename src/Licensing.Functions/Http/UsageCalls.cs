namespace Licensing.Http;

/// <summary>Metering's calls: recording use (client scope) and resetting a meter's count (admin).</summary>
public sealed class UsageCalls(ApiEndpoint endpoint, MeterService meters)
{
    public Task<IActionResult> RecordAsync(HttpRequest request) =>
        endpoint.RunWithBodyAsync("usage", request, ApiScopes.Client, async (caller, body, ct) =>
        {
            if (UsageCallReader.Read(body) is not { } call)
            {
                return body.Problem!;
            }

            var recordings = await meters.RecordAsync(caller, call, ct).ConfigureAwait(false);
            return body.Has(UsageCallReader.EventsField) ? Answers.UsageBatch(recordings) : Answers.Usage(recordings[0]);
        });

    public Task<IActionResult> ResetAsync(HttpRequest request, string licenseId, string code) =>
        endpoint.RunAsync("admin.licenses.meters.reset", request, ApiScopes.Admin, async (caller, ct) =>
        {
            if (!LicenseIds.IsWellFormed(licenseId))
            {
                return Problems.Reason(404, Reasons.LicenseNotFound, "No license with this id.");
            }

            return Entitlement.IsCode(code)
                ? Answers.From(await meters.ResetAsync(caller, licenseId, code, ct).ConfigureAwait(false), Answers.License)
                : Problems.Reason(404, Reasons.MeterNotFound, "No meter with this code.");
        });
}
