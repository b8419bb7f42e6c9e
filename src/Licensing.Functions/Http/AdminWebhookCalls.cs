namespace Licensing.Http;

/// <summary>The admin API's webhook calls: an admin caller, the request read and checked field by field, the service's outcome, its answer.</summary>
public sealed class AdminWebhookCalls(ApiEndpoint endpoint, WebhookService webhooks, IOptions<LicensingOptions> options)
{
    private static readonly string[] Fields = ["url", "events", "productId", "enabled"];

    public Task<IActionResult> CreateAsync(HttpRequest request) =>
        endpoint.RunWithBodyAsync("admin.webhooks.create", request, ApiScopes.Admin, async (_, body, ct) =>
        {
            var draft = Read(body, creating: true);
            return body.Problem ?? Answers.CreatedWebhook(await webhooks.CreateAsync(draft, ct).ConfigureAwait(false));
        });

    public Task<IActionResult> GetAsync(HttpRequest request, string id) =>
        endpoint.RunAsync("admin.webhooks.get", request, ApiScopes.Admin, async (_, ct) =>
            Answers.From(await webhooks.GetAsync(id, ct).ConfigureAwait(false), Answers.Webhook));

    public Task<IActionResult> ListAsync(HttpRequest request) =>
        endpoint.RunAsync("admin.webhooks.list", request, ApiScopes.Admin, async (_, ct) =>
            PageQuery.TryRead(request, out var page) ?? Answers.From(await webhooks.ListAsync(page, ct).ConfigureAwait(false), Answers.Webhooks));

    public Task<IActionResult> PatchAsync(HttpRequest request, string id) =>
        endpoint.RunWithBodyAsync("admin.webhooks.update", request, ApiScopes.Admin, async (_, body, ct) =>
        {
            var draft = Read(body, creating: false);
            return body.Problem ?? Answers.From(await webhooks.PatchAsync(id, draft, ct).ConfigureAwait(false), Answers.Webhook);
        });

    public Task<IActionResult> DeleteAsync(HttpRequest request, string id) =>
        endpoint.RunAsync("admin.webhooks.delete", request, ApiScopes.Admin, async (_, ct) =>
            Answers.From(await webhooks.DeleteAsync(id, ct).ConfigureAwait(false), _ => ApiResult.NoContent()));

    public Task<IActionResult> DeliveriesAsync(HttpRequest request, string id) =>
        endpoint.RunAsync("admin.webhooks.deliveries", request, ApiScopes.Admin, async (_, ct) =>
            PageQuery.TryRead(request, out var page) ?? Answers.From(await webhooks.DeliveriesAsync(id, page, ct).ConfigureAwait(false), Answers.Deliveries));

    public Task<IActionResult> RedeliverAsync(HttpRequest request, string id, string deliveryId) =>
        endpoint.RunAsync("admin.webhooks.redeliver", request, ApiScopes.Admin, async (_, ct) =>
            Answers.From(await webhooks.RedeliverAsync(id, deliveryId, ct).ConfigureAwait(false), Answers.Scheduled));

    public Task<IActionResult> PingAsync(HttpRequest request, string id) =>
        endpoint.RunAsync("admin.webhooks.ping", request, ApiScopes.Admin, async (caller, ct) =>
            Answers.From(await webhooks.PingAsync(id, caller, ct).ConfigureAwait(false), Answers.Scheduled));

    /// <summary>A create needs <c>url</c> and <c>events</c>; a patch changes what it names (<c>productId: null</c> widens to every product).</summary>
    private WebhookDraft Read(JsonFields body, bool creating)
    {
        var url = body.Text("url", WebhookRules.MaxUrl, required: creating);
        var events = body.StringArray("events", WebhookRules.MaxEvents, 64);
        var productId = body.Text("productId", LicenseDraft.MaxProductId);
        var enabled = body.Flag("enabled");
        if (url is not null && WebhookRules.UrlProblem(url, options.Value.AllowInsecureWebhookUrls) is { } urlProblem)
        {
            body.AddError("url", urlProblem);
        }

        if (events is null && creating && !body.Has("events"))
        {
            body.AddError("events", "is required: event types, a family such as 'seat.*', or ['*'].");
        }
        else if (events is not null && events.Count == 0)
        {
            body.AddError("events", "must name at least one event type, a family such as 'seat.*', or '*'.");
        }
        else if (events?.FirstOrDefault(e => !WebhookRules.IsEventPattern(e)) is { } unknown)
        {
            body.AddError("events", $"'{unknown}' is not an event type; the types are {string.Join(", ", WebhookRules.EventTypes)}, a family such as 'seat.*', or '*'.");
        }

        if (productId is not null && !LicenseDraft.IsProductId(productId))
        {
            body.AddError("productId", "must be 1 to 64 of a-z, 0-9 and '-'.");
        }

        body.RefuseUnknown(Fields);
        return new WebhookDraft(url, events, productId, body.Has("productId"), enabled);
    }
}
