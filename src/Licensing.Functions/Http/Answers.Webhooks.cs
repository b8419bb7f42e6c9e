namespace Licensing.Http;

/// <summary>The webhook answers.</summary>
public static partial class Answers
{
    public static IActionResult CreatedWebhook(WebhookRow webhook) => ApiResult.Created(ViewOf(webhook), ApiJson.Wire.WebhookView);

    public static IActionResult Webhook(WebhookRow webhook) => ApiResult.Ok(ViewOf(webhook), ApiJson.Wire.WebhookView);

    public static IActionResult Webhooks(WebhookPage page) =>
        ApiResult.Ok(new WebhookList(page.Webhooks.Select(ViewOf).ToArray(), page.Next), ApiJson.Wire.WebhookList);

    public static IActionResult Deliveries(DeliveryPage page) => ApiResult.Ok(
        new DeliveryList(
            page.Attempts.Select(a => new DeliveryView(
                a.DeliveryId, a.EventId, a.Type, a.Attempt, a.State, a.HttpStatus, Timestamp.From(a.At), Timestamp.From(a.NextAttemptAt), a.Error)).ToArray(),
            page.Next),
        ApiJson.Wire.DeliveryList);

    /// <summary>202: the attempt is scheduled; the dispatcher's next run makes it.</summary>
    public static IActionResult Scheduled(ScheduledDelivery scheduled)
    {
        var due = scheduled.Due;
        return new ApiResult(
            202,
            new DeliveryView(due.DeliveryId, due.EventId, due.Type, due.Attempt, DeliveryStates.Pending, null, Timestamp.From(due.DueAt), Timestamp.From(due.DueAt), null),
            ApiJson.Wire.DeliveryView);
    }

    private static WebhookView ViewOf(WebhookRow webhook) =>
        new(webhook.Id, webhook.Url, webhook.Events, webhook.ProductId, webhook.Enabled, Timestamp.From(webhook.CreatedAt));
}
