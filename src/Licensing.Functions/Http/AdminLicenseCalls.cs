namespace Licensing.Http;

/// <summary>The admin API's license calls: an admin caller, the request read and checked, the service's outcome, its answer.</summary>
public sealed class AdminLicenseCalls(ApiEndpoint endpoint, AdminLicenseService licenses, LicenseUsageService usage, TimeProvider clock)
{
    public Task<IActionResult> CreateAsync(HttpRequest request) =>
        endpoint.RunWithBodyAsync("admin.licenses.create", request, ApiScopes.Admin, async (caller, body, ct) =>
        {
            var draft = LicenseDraftReader.ForCreate(body, clock.GetUtcNow());
            return body.Problem ?? Answers.From(await licenses.CreateAsync(caller, draft, ct).ConfigureAwait(false), Answers.CreatedLicense);
        });

    public Task<IActionResult> ListAsync(HttpRequest request) =>
        endpoint.RunAsync("admin.licenses.list", request, ApiScopes.Admin, async (_, ct) =>
            PageQuery.TryRead(request, out var page)
            ?? SearchQuery(request, out var search)
            ?? Answers.From(await licenses.ListAsync(page, search, ct).ConfigureAwait(false), Answers.Licenses));

    /// <summary>The list's <c>search</c> and <c>productId</c> (empty: none), or a problem for one too long to be either.</summary>
    private static IActionResult? SearchQuery(HttpRequest request, out LicenseSearch search)
    {
        var text = request.Query["search"].ToString();
        var productId = request.Query["productId"].ToString();
        search = new LicenseSearch(text.Length == 0 ? null : text, productId.Length == 0 ? null : productId);
        var errors = new Dictionary<string, string[]>();
        if (text.Length > 128)
        {
            errors["search"] = ["must be at most 128 characters."];
        }

        if (productId.Length > 128)
        {
            errors["productId"] = ["must be at most 128 characters."];
        }

        return errors.Count == 0 ? null : Problems.Validation(errors);
    }

    public Task<IActionResult> GetAsync(HttpRequest request, string licenseId) =>
        endpoint.RunAsync("admin.licenses.get", request, ApiScopes.Admin, async (_, ct) =>
            UnknownId(licenseId) ?? Answers.From(await licenses.GetAsync(licenseId, ct).ConfigureAwait(false), Answers.License));

    public Task<IActionResult> PatchAsync(HttpRequest request, string licenseId) =>
        endpoint.RunWithBodyAsync("admin.licenses.update", request, ApiScopes.Admin, async (caller, body, ct) =>
        {
            if (UnknownId(licenseId) is { } unknown)
            {
                return unknown;
            }

            var draft = LicenseDraftReader.ForPatch(body);
            return body.Problem ?? Answers.From(await licenses.PatchAsync(caller, licenseId, draft, ct).ConfigureAwait(false), Answers.License);
        });

    public Task<IActionResult> DeleteAsync(HttpRequest request, string licenseId) =>
        endpoint.RunAsync("admin.licenses.delete", request, ApiScopes.Admin, async (caller, ct) =>
            UnknownId(licenseId) ?? Answers.From(await licenses.DeleteAsync(caller, licenseId, ct).ConfigureAwait(false), _ => ApiResult.NoContent()));

    public Task<IActionResult> RevokeTokenAsync(HttpRequest request, string licenseId) =>
        endpoint.RunWithBodyAsync("admin.licenses.revoke_token", request, ApiScopes.Admin, async (caller, body, ct) =>
        {
            if (UnknownId(licenseId) is { } unknown)
            {
                return unknown;
            }

            var bearer = body.Text("licenseToken", ClientCall.TokenMax);
            var publicId = body.Text("token", 64);
            if (bearer is null && publicId is null && !body.HasErrors)
            {
                body.AddError("token", "name the seat by 'token' (its public id) or 'licenseToken'.");
            }

            body.RefuseUnknown(["licenseToken", "token"]);

            return body.Problem
                ?? Answers.From(await licenses.RevokeTokenAsync(caller, licenseId, new SeatReference(bearer, publicId), ct).ConfigureAwait(false), Answers.License);
        });

    public Task<IActionResult> SeatsAsync(HttpRequest request, string licenseId) =>
        endpoint.RunAsync("admin.licenses.seats", request, ApiScopes.Admin, async (_, ct) =>
            UnknownId(licenseId)
            ?? PageQuery.TryRead(request, out var page)
            ?? Answers.From(await licenses.SeatsAsync(licenseId, page, ct).ConfigureAwait(false), Answers.Seats));

    public Task<IActionResult> EventsAsync(HttpRequest request, string licenseId) =>
        endpoint.RunAsync("admin.licenses.events", request, ApiScopes.Admin, async (_, ct) =>
            UnknownId(licenseId)
            ?? PageQuery.TryRead(request, out var page)
            ?? Answers.From(await licenses.EventsAsync(licenseId, page, ct).ConfigureAwait(false), Answers.Events));

    public Task<IActionResult> UsageAsync(HttpRequest request, string licenseId) =>
        endpoint.RunAsync("admin.licenses.usage", request, ApiScopes.Admin, async (_, ct) =>
            UnknownId(licenseId)
            ?? UsageQuery.TryRead(request, clock.GetUtcNow(), out var span)
            ?? Answers.From(await usage.ReadAsync(licenseId, span, ct).ConfigureAwait(false), Answers.Usage));

    /// <summary>A route's license id that cannot be one: an unknown license, answered without a storage call.</summary>
    private static IActionResult? UnknownId(string licenseId) =>
        LicenseIds.IsWellFormed(licenseId) ? null : Problems.Reason(404, Reasons.LicenseNotFound, "No license with this id.");
}
