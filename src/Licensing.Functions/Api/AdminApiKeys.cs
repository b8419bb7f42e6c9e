namespace Licensing.Api;

/// <summary>POST /v1/admin/api-keys: creates a key; the key itself is shown only in this answer.</summary>
public sealed class CreateApiKey(AdminApiKeyCalls calls)
{
    [Function(nameof(CreateApiKey))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.AdminApiKeys)] HttpRequest req) =>
        calls.CreateAsync(req);
}

/// <summary>GET /v1/admin/api-keys: every key, without secrets.</summary>
public sealed class ListApiKeys(AdminApiKeyCalls calls)
{
    [Function(nameof(ListApiKeys))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.AdminApiKeys)] HttpRequest req) =>
        calls.ListAsync(req);
}

/// <summary>DELETE /v1/admin/api-keys/{id}: the key stops working here at once, everywhere within a minute.</summary>
public sealed class DeleteApiKey(AdminApiKeyCalls calls)
{
    [Function(nameof(DeleteApiKey))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = Routes.AdminApiKey)] HttpRequest req, string id) =>
        calls.DeleteAsync(req, id);
}

/// <summary>GET /v1/admin/api-keys/events?pageSize=&amp;continuationToken=: keys created and deleted, newest first.</summary>
public sealed class ListApiKeyEvents(AdminApiKeyCalls calls)
{
    [Function(nameof(ListApiKeyEvents))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.AdminApiKeyEvents)] HttpRequest req) =>
        calls.EventsAsync(req);
}
