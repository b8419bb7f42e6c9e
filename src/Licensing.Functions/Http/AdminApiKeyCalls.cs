namespace Licensing.Http;

/// <summary>The admin API's key calls: create (the key shown once), list, delete and the keys' audit trail.</summary>
public sealed class AdminApiKeyCalls(ApiEndpoint endpoint, ApiKeyService keys, TimeProvider clock)
{
    public Task<IActionResult> CreateAsync(HttpRequest request) =>
        endpoint.RunWithBodyAsync("admin.api_keys.create", request, ApiScopes.Admin, async (caller, body, ct) =>
        {
            var name = body.Text("name", 128, required: true);
            var scope = body.Text("scope", 16, required: true);
            var productId = body.Text("productId", LicenseDraft.MaxProductId);
            var expiresAt = body.Timestamp("expiresAt");
            if (scope is not null && !ApiScopes.IsKnown(scope))
            {
                body.AddError("scope", "must be 'client' or 'admin'.");
            }

            if (productId is not null && !LicenseDraft.IsProductId(productId))
            {
                body.AddError("productId", "must be 1 to 64 of a-z, 0-9 and '-'.");
            }
            else if (productId is not null && scope == ApiScopes.Admin)
            {
                // Admin routes name licenses of every product: a product on an admin key would promise a limit nothing keeps.
                body.AddError("productId", "applies to client keys only: an admin key acts on every product.");
            }

            if (expiresAt is not null && expiresAt <= clock.GetUtcNow())
            {
                body.AddError("expiresAt", "must be in the future.");
            }

            body.RefuseUnknown(["name", "scope", "productId", "expiresAt"]);
            if (body.Problem is { } problem)
            {
                return problem;
            }

            var (row, key) = await keys.CreateAsync(name!, scope!, productId, expiresAt, caller, ct).ConfigureAwait(false);
            return Answers.CreatedKey(row, key);
        });

    public Task<IActionResult> ListAsync(HttpRequest request) =>
        endpoint.RunAsync("admin.api_keys.list", request, ApiScopes.Admin, async (_, ct) => Answers.Keys(await keys.ListAsync(ct).ConfigureAwait(false)));

    public Task<IActionResult> DeleteAsync(HttpRequest request, string id) =>
        endpoint.RunAsync("admin.api_keys.delete", request, ApiScopes.Admin, async (caller, ct) =>
            Answers.From(await keys.DeleteAsync(id, caller, ct).ConfigureAwait(false), _ => ApiResult.NoContent()));

    public Task<IActionResult> EventsAsync(HttpRequest request) =>
        endpoint.RunAsync("admin.api_keys.events", request, ApiScopes.Admin, async (_, ct) =>
            PageQuery.TryRead(request, out var page) ?? Answers.From(await keys.EventsAsync(page, ct).ConfigureAwait(false), Answers.Events));
}
