using Licensing.Audit;
using Licensing.Http;
using Licensing.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Licensing.Api;

/// <summary>POST /v1/admin/api-keys: creates a key; the key itself is shown only in this answer.</summary>
public sealed class CreateApiKey(ApiEndpoint endpoint, ApiKeys keys)
{
    [Function(nameof(CreateApiKey))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.AdminApiKeys)] HttpRequest req) =>
        endpoint.RunWithBodyAsync(req, ApiScopes.Admin, async (caller, body, ct) =>
        {
            var name = body.Text("name", 128, required: true);
            var scope = body.Text("scope", 16, required: true);
            var productId = body.Text("productId", 64);
            if (scope is not null && !ApiScopes.IsKnown(scope))
            {
                body.AddError("scope", "must be 'client' or 'admin'.");
            }

            if (productId is not null && !Admin.LicenseDraft.IsProductId(productId))
            {
                body.AddError("productId", "must be 1 to 64 of a-z, 0-9 and '-'.");
            }

            if (body.Problem is { } problem)
            {
                return problem;
            }

            var (row, key) = await keys.CreateAsync(name!, scope!, productId, caller, ct).ConfigureAwait(false);
            return ApiResult.Created(
                new CreatedApiKey(row.Id, row.Name, row.Scope, row.ProductId, Timestamp.From(row.CreatedAt), key),
                ApiJson.Wire.CreatedApiKey);
        });
}

/// <summary>GET /v1/admin/api-keys: every key, without secrets.</summary>
public sealed class ListApiKeys(ApiEndpoint endpoint, ApiKeys keys)
{
    [Function(nameof(ListApiKeys))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.AdminApiKeys)] HttpRequest req) =>
        endpoint.RunAsync(req, ApiScopes.Admin, async (_, ct) =>
        {
            var rows = await keys.ListAsync(ct).ConfigureAwait(false);
            var items = rows.Select(r => new ApiKeyView(r.Id, r.Name, r.Scope, r.ProductId, Timestamp.From(r.CreatedAt))).ToArray();
            return ApiResult.Ok(new ApiKeyList(items), ApiJson.Wire.ApiKeyList);
        });
}

/// <summary>DELETE /v1/admin/api-keys/{id}: the key stops working here at once, everywhere within a minute.</summary>
public sealed class DeleteApiKey(ApiEndpoint endpoint, ApiKeys keys)
{
    [Function(nameof(DeleteApiKey))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = Routes.AdminApiKey)] HttpRequest req, string id) =>
        endpoint.RunAsync(req, ApiScopes.Admin, async (caller, ct) =>
            id.Length == 10 && id.All(c => c is (>= 'a' and <= 'z') or (>= '2' and <= '7')) && await keys.DeleteAsync(id, caller, ct).ConfigureAwait(false)
                ? ApiResult.NoContent()
                : Problems.Reason(404, Problems.NotFound, $"No API key '{id}'."));
}

/// <summary>GET /v1/admin/api-keys/events?pageSize=&amp;continuationToken=: keys created and deleted, newest first.</summary>
public sealed class ListApiKeyEvents(ApiEndpoint endpoint, AuditTrail audit)
{
    [Function(nameof(ListApiKeyEvents))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.AdminApiKeyEvents)] HttpRequest req) =>
        endpoint.RunAsync(req, ApiScopes.Admin, async (_, ct) =>
        {
            if (PageQuery.TryRead(req, out var query) is { } problem)
            {
                return problem;
            }

            return await audit.ReadApiKeyPageAsync(query.PageSize, query.ContinuationToken, ct).ConfigureAwait(false) is { } page
                ? ApiResult.Ok(new AuditEventPage(page.Events.Select(AuditEventViews.From).ToArray(), page.Next), ApiJson.Wire.AuditEventPage)
                : PageQuery.UnknownContinuationToken();
        });
}
