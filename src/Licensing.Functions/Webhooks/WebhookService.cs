namespace Licensing.Webhooks;

/// <summary>A webhook's terms as an admin create or patch gives them; null leaves a term as it is (patch).</summary>
public sealed record WebhookDraft(string? Url, IReadOnlyList<string>? Events, string? ProductId, bool HasProductId, bool? Enabled);

/// <summary>A page of webhooks and the token of the next.</summary>
public sealed record WebhookPage(IReadOnlyList<WebhookRow> Webhooks, string? Next);

/// <summary>A page of a webhook's delivery log and the token of the next.</summary>
public sealed record DeliveryPage(IReadOnlyList<WebhookAttempt> Attempts, string? Next);

/// <summary>An attempt scheduled by redeliver or ping, as the log will show it until it is made.</summary>
public sealed record ScheduledDelivery(WebhookDue Due);

/// <summary>The admin API's webhooks: create, read, page, patch, delete, their delivery logs, redeliver and ping.</summary>
public sealed class WebhookService(WebhookStore store, WebhookDirectory directory, TimeProvider clock)
{
    public async Task<WebhookRow> CreateAsync(WebhookDraft draft, CancellationToken ct)
    {
        var webhook = new WebhookRow
        {
            Id = TableKeys.NewWebhookId(),
            Url = draft.Url!,
            Events = draft.Events!,
            ProductId = draft.ProductId,
            Enabled = draft.Enabled ?? true,
            CreatedAt = clock.GetUtcNow(),
        };
        await store.AddAsync(webhook, ct).ConfigureAwait(false);
        directory.Forget();
        return webhook;
    }

    public async Task<Outcome<WebhookRow>> GetAsync(string id, CancellationToken ct) =>
        await FindAsync(id, ct).ConfigureAwait(false) is { } webhook ? webhook : NoWebhook(id);

    public async Task<Outcome<WebhookPage>> ListAsync(PageRequest page, CancellationToken ct) =>
        await store.ListAsync(page.PageSize, page.ContinuationToken, ct).ConfigureAwait(false) is { } rows
            ? new WebhookPage(rows.Webhooks, rows.Next)
            : PageRequest.UnknownContinuationToken;

    /// <summary>Changes the terms given, under the ETag read (a concurrent change wins the race and this one is tried again).</summary>
    public Task<Outcome<WebhookRow>> PatchAsync(string id, WebhookDraft draft, CancellationToken ct) =>
        Contention.RetryAsync<Outcome<WebhookRow>>(async () =>
        {
            if (await FindAsync(id, ct).ConfigureAwait(false) is not { } webhook)
            {
                return NoWebhook(id);
            }

            var changed = webhook with
            {
                Url = draft.Url ?? webhook.Url,
                Events = draft.Events ?? webhook.Events,
                ProductId = draft.HasProductId ? draft.ProductId : webhook.ProductId,
                Enabled = draft.Enabled ?? webhook.Enabled,
            };
            if (!await store.UpdateAsync(changed, ct).ConfigureAwait(false))
            {
                return null;
            }

            directory.Forget();
            return changed;
        }, ct);

    public async Task<Outcome<Done>> DeleteAsync(string id, CancellationToken ct)
    {
        if (!TableKeys.IsWebhookId(id) || !await store.DeleteAsync(id, ct).ConfigureAwait(false))
        {
            return NoWebhook(id);
        }

        directory.Forget();
        return Done.Instance;
    }

    public async Task<Outcome<DeliveryPage>> DeliveriesAsync(string id, PageRequest page, CancellationToken ct)
    {
        if (await FindAsync(id, ct).ConfigureAwait(false) is null)
        {
            return NoWebhook(id);
        }

        return await store.ReadLogAsync(id, page.PageSize, page.ContinuationToken, ct).ConfigureAwait(false) is { } log
            ? new DeliveryPage(log.Attempts, log.Next)
            : PageRequest.UnknownContinuationToken;
    }

    /// <summary>Sends a logged delivery again, the same body and event id, with a new retry window.</summary>
    public async Task<Outcome<ScheduledDelivery>> RedeliverAsync(string id, string deliveryId, CancellationToken ct)
    {
        if (await FindAsync(id, ct).ConfigureAwait(false) is null)
        {
            return NoWebhook(id);
        }

        if (!TableKeys.IsDeliveryId(deliveryId) || await store.ReadLatestAttemptAsync(id, deliveryId, ct).ConfigureAwait(false) is not { } latest)
        {
            return new Refusal(RefusalCodes.NotFound, $"No delivery '{deliveryId}' of webhook '{id}'.");
        }

        var now = clock.GetUtcNow();
        var due = new WebhookDue
        {
            DueAt = now,
            WebhookId = id,
            DeliveryId = deliveryId,
            Attempt = latest.Attempt + 1,
            EventId = latest.EventId,
            Type = latest.Type,
            Body = latest.Body,
            FirstAttemptAt = now,
            EventAt = now,
        };
        await store.AddDueAsync(due, ct).ConfigureAwait(false);
        return new ScheduledDelivery(due);
    }

    /// <summary>Schedules a <c>webhook.ping</c> to the webhook, sent by the next dispatcher run.</summary>
    public async Task<Outcome<ScheduledDelivery>> PingAsync(string id, Caller caller, CancellationToken ct)
    {
        if (await FindAsync(id, ct).ConfigureAwait(false) is not { } webhook)
        {
            return NoWebhook(id);
        }

        var now = clock.GetUtcNow();
        var (eventId, body) = WebhookPayloads.Ping(webhook.Id, webhook.ProductId, now, caller.KeyId);
        var due = WebhookDispatcher.NewDelivery(webhook.Id, eventId, WebhookRules.PingType, body, now, now);
        await store.AddDueAsync(due, ct).ConfigureAwait(false);
        return new ScheduledDelivery(due);
    }

    private async Task<WebhookRow?> FindAsync(string id, CancellationToken ct) =>
        TableKeys.IsWebhookId(id) ? await store.FindAsync(id, ct).ConfigureAwait(false) : null;

    private static Refusal NoWebhook(string id) => new(RefusalCodes.NotFound, $"No webhook '{id}'.");
}
