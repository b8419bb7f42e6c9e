namespace Licensing.Client;

/// <summary>A webhook as the admin API shows it.</summary>
public sealed class WebhookView
{
    public string Id { get; set; } = "";
    public string Url { get; set; } = "";

    /// <summary>Event types, families such as <c>seat.*</c>, or <c>*</c>.</summary>
    public List<string> Events { get; set; } = [];

    /// <summary>Only this product's licenses' events; null for every product (and API key events).</summary>
    public string? ProductId { get; set; }
    public bool Enabled { get; set; }
    public DateTimeOffset? CreatedAt { get; set; }
}

public sealed class WebhookPage
{
    public List<WebhookView> Items { get; set; } = [];
    public string? ContinuationToken { get; set; }
}

/// <summary>A new webhook: where, and which events.</summary>
public sealed class NewWebhook
{
    public string Url { get; set; } = "";
    public List<string> Events { get; set; } = [];
    public string? ProductId { get; set; }
    public bool? Enabled { get; set; }
}

/// <summary>Changes to a webhook: only what is set is changed.</summary>
public sealed class WebhookChanges
{
    public string? Url { get; set; }
    public List<string>? Events { get; set; }
    public string? ProductId { get; set; }
    public bool? Enabled { get; set; }
}

/// <summary>One attempt in a webhook's delivery log (<c>pending</c> for one just scheduled by redeliver or ping).</summary>
public sealed class WebhookDelivery
{
    public string Id { get; set; } = "";
    public string EventId { get; set; } = "";
    public string Type { get; set; } = "";
    public int Attempt { get; set; }

    /// <summary><c>pending</c>, <c>delivered</c>, <c>retrying</c> or <c>failed</c>.</summary>
    public string State { get; set; } = "";
    public int? HttpStatus { get; set; }
    public DateTimeOffset At { get; set; }
    public DateTimeOffset? NextAttemptAt { get; set; }
    public string? Error { get; set; }
}

public sealed class WebhookDeliveryPage
{
    public List<WebhookDelivery> Items { get; set; } = [];
    public string? ContinuationToken { get; set; }
}

/// <summary>The admin API's webhooks.</summary>
public sealed partial class LicensingAdminClient
{
    public Task<WebhookView> CreateWebhookAsync(NewWebhook webhook, CancellationToken cancellationToken = default) =>
        _http.SendAsync<WebhookView>(HttpMethod.Post, "v1/admin/webhooks", webhook ?? throw new ArgumentNullException(nameof(webhook)), cancellationToken);

    public Task<WebhookView> GetWebhookAsync(string id, CancellationToken cancellationToken = default) =>
        _http.SendAsync<WebhookView>(HttpMethod.Get, WebhookPath(id), null, cancellationToken);

    public Task<WebhookPage> ListWebhooksAsync(int? pageSize = null, string? continuationToken = null, CancellationToken cancellationToken = default) =>
        _http.SendAsync<WebhookPage>(HttpMethod.Get, Paged("v1/admin/webhooks", pageSize, continuationToken), null, cancellationToken);

    public Task<WebhookView> UpdateWebhookAsync(string id, WebhookChanges changes, CancellationToken cancellationToken = default) =>
        _http.SendAsync<WebhookView>(new HttpMethod("PATCH"), WebhookPath(id), changes ?? throw new ArgumentNullException(nameof(changes)), cancellationToken);

    public async Task DeleteWebhookAsync(string id, CancellationToken cancellationToken = default) =>
        await _http.SendAsync<NoContent>(HttpMethod.Delete, WebhookPath(id), null, cancellationToken).ConfigureAwait(false);

    /// <summary>The webhook's delivery log: every attempt, newest delivery first.</summary>
    public Task<WebhookDeliveryPage> ListWebhookDeliveriesAsync(string id, int? pageSize = null, string? continuationToken = null, CancellationToken cancellationToken = default) =>
        _http.SendAsync<WebhookDeliveryPage>(HttpMethod.Get, Paged(WebhookPath(id) + "/deliveries", pageSize, continuationToken), null, cancellationToken);

    /// <summary>Sends a delivery again (the same event id and body); the dispatcher's next run makes the attempt.</summary>
    public Task<WebhookDelivery> RedeliverWebhookAsync(string id, string deliveryId, CancellationToken cancellationToken = default) =>
        _http.SendAsync<WebhookDelivery>(HttpMethod.Post,
            WebhookPath(id) + "/deliveries/" + Uri.EscapeDataString(deliveryId ?? throw new ArgumentNullException(nameof(deliveryId))) + "/redeliver", null, cancellationToken);

    /// <summary>Schedules a <c>webhook.ping</c> to the webhook.</summary>
    public Task<WebhookDelivery> PingWebhookAsync(string id, CancellationToken cancellationToken = default) =>
        _http.SendAsync<WebhookDelivery>(HttpMethod.Post, WebhookPath(id) + "/ping", null, cancellationToken);

    private static string WebhookPath(string id) => "v1/admin/webhooks/" + Uri.EscapeDataString(id ?? throw new ArgumentNullException(nameof(id)));
}
