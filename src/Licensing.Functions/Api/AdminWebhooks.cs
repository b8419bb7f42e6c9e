namespace Licensing.Api;

/// <summary>POST /v1/admin/webhooks: creates a webhook.</summary>
public sealed class CreateWebhook(AdminWebhookCalls calls)
{
    [Function(nameof(CreateWebhook))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.AdminWebhooks)] HttpRequest req) =>
        calls.CreateAsync(req);
}

/// <summary>GET /v1/admin/webhooks?pageSize=&amp;continuationToken=: a page of webhooks.</summary>
public sealed class ListWebhooks(AdminWebhookCalls calls)
{
    [Function(nameof(ListWebhooks))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.AdminWebhooks)] HttpRequest req) =>
        calls.ListAsync(req);
}

/// <summary>GET /v1/admin/webhooks/{id}: one webhook.</summary>
public sealed class GetWebhook(AdminWebhookCalls calls)
{
    [Function(nameof(GetWebhook))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.AdminWebhook)] HttpRequest req, string id) =>
        calls.GetAsync(req, id);
}

/// <summary>PATCH /v1/admin/webhooks/{id}: changes its URL, events, product or whether it is enabled.</summary>
public sealed class UpdateWebhook(AdminWebhookCalls calls)
{
    [Function(nameof(UpdateWebhook))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = Routes.AdminWebhook)] HttpRequest req, string id) =>
        calls.PatchAsync(req, id);
}

/// <summary>DELETE /v1/admin/webhooks/{id}: no more deliveries to it.</summary>
public sealed class DeleteWebhook(AdminWebhookCalls calls)
{
    [Function(nameof(DeleteWebhook))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = Routes.AdminWebhook)] HttpRequest req, string id) =>
        calls.DeleteAsync(req, id);
}

/// <summary>GET /v1/admin/webhooks/{id}/deliveries?pageSize=&amp;continuationToken=: its delivery log, newest first.</summary>
public sealed class ListWebhookDeliveries(AdminWebhookCalls calls)
{
    [Function(nameof(ListWebhookDeliveries))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.AdminWebhookDeliveries)] HttpRequest req, string id) =>
        calls.DeliveriesAsync(req, id);
}

/// <summary>POST /v1/admin/webhooks/{id}/deliveries/{deliveryId}/redeliver: sends a delivery again.</summary>
public sealed class RedeliverWebhook(AdminWebhookCalls calls)
{
    [Function(nameof(RedeliverWebhook))]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.AdminWebhookRedeliver)] HttpRequest req, string id, string deliveryId) =>
        calls.RedeliverAsync(req, id, deliveryId);
}

/// <summary>POST /v1/admin/webhooks/{id}/ping: sends a webhook.ping.</summary>
public sealed class PingWebhook(AdminWebhookCalls calls)
{
    [Function(nameof(PingWebhook))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.AdminWebhookPing)] HttpRequest req, string id) =>
        calls.PingAsync(req, id);
}
