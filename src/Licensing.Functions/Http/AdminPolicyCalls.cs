namespace Licensing.Http;

/// <summary>The admin API's policy calls: an admin caller, the request read and checked, the service's outcome, its answer.</summary>
public sealed class AdminPolicyCalls(ApiEndpoint endpoint, PolicyService policies)
{
    public Task<IActionResult> CreateAsync(HttpRequest request) =>
        endpoint.RunWithBodyAsync("admin.policies.create", request, ApiScopes.Admin, async (_, body, ct) =>
        {
            var draft = PolicyDraftReader.ForCreate(body);
            return body.Problem ?? Answers.From(await policies.CreateAsync(draft, ct).ConfigureAwait(false), Answers.CreatedPolicy);
        });

    public Task<IActionResult> ListAsync(HttpRequest request) =>
        endpoint.RunAsync("admin.policies.list", request, ApiScopes.Admin, async (_, ct) =>
        {
            var productId = request.Query["productId"].ToString();
            if (productId.Length > 0 && !LicenseDraft.IsProductId(productId))
            {
                return Problems.Validation(new Dictionary<string, string[]> { ["productId"] = ["must be 1 to 64 of a-z, 0-9 and '-'."] });
            }

            return PageQuery.TryRead(request, out var page)
                ?? Answers.From(await policies.ListAsync(productId.Length == 0 ? null : productId, page, ct).ConfigureAwait(false), Answers.Policies);
        });

    public Task<IActionResult> GetAsync(HttpRequest request, string policyId) =>
        endpoint.RunAsync("admin.policies.get", request, ApiScopes.Admin, async (_, ct) =>
            UnknownId(policyId) ?? Answers.From(await policies.GetAsync(policyId, ct).ConfigureAwait(false), Answers.Policy));

    public Task<IActionResult> PatchAsync(HttpRequest request, string policyId) =>
        endpoint.RunWithBodyAsync("admin.policies.update", request, ApiScopes.Admin, async (_, body, ct) =>
        {
            if (UnknownId(policyId) is { } unknown)
            {
                return unknown;
            }

            var draft = PolicyDraftReader.ForPatch(body);
            return body.Problem ?? Answers.From(await policies.PatchAsync(policyId, draft, ct).ConfigureAwait(false), Answers.Policy);
        });

    public Task<IActionResult> DeleteAsync(HttpRequest request, string policyId) =>
        endpoint.RunAsync("admin.policies.delete", request, ApiScopes.Admin, async (_, ct) =>
            UnknownId(policyId) ?? Answers.From(await policies.DeleteAsync(policyId, ct).ConfigureAwait(false), _ => ApiResult.NoContent()));

    /// <summary>A route's policy id that cannot be one: an unknown policy, answered without a storage call.</summary>
    private static IActionResult? UnknownId(string policyId) =>
        TableKeys.ProductOfPolicy(policyId) is { } product && LicenseDraft.IsProductId(product) && policyId.Length <= 100
            ? null
            : Problems.Reason(404, RefusalCodes.PolicyNotFound, "No policy with this id.");
}
