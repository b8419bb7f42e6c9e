namespace Licensing.Cli;

/// <summary><c>licensing webhooks ...</c>: the admin API's webhooks and their delivery logs.</summary>
internal static class WebhookCommands
{
    private static readonly Argument<string> WebhookId = new("ID") { Description = "the webhook's id, as list shows it" };

    private static readonly Argument<string> DeliveryId = new("DELIVERY") { Description = "the delivery's id, as deliveries shows it" };

    private static readonly Option<string> Url = new("--target")
    {
        HelpName = "URL", Description = "where deliveries are POSTed (https)", Required = true, CustomParser = ValueParsers.NonEmpty,
    };

    private static readonly Option<string> NewUrl = new("--target") { HelpName = "URL", Description = "a new address for deliveries (https)" };

    private static readonly Option<string[]> Events = new("--event")
    {
        HelpName = "TYPE", Description = "an event type (seat.granted), a family (seat.*) or *; repeat it for more", Required = true,
    };

    private static readonly Option<string[]> NewEvents = new("--event") { HelpName = "TYPE", Description = "replaces the event types; repeat it for more" };

    private static readonly Option<string> Product = new("--product") { HelpName = "ID", Description = "only this product's licenses' events" };

    private static readonly Option<bool> Disable = new("--disable") { Description = "stop deliveries to it, until --enable", CustomParser = ValueParsers.Flag };

    private static readonly Option<bool> Enable = new("--enable") { Description = "undo --disable", CustomParser = ValueParsers.Flag };

    private static readonly Option<int?> PageSize = new("--page-size")
    {
        HelpName = "N", Description = "how many to a page, 1 to 1000", CustomParser = value => ValueParsers.Whole(value, 1, 1000),
    };

    private static readonly Option<bool> All = new("--all") { Description = "follow the pages to the end", CustomParser = ValueParsers.Flag };

    public static Command Group() => new("webhooks", "Webhooks and their deliveries (admin key)")
    {
        new Command("create", "Create a webhook: signed POSTs of the events named, retried for 72 hours.") { Url, Events, Product }.Runs(CreateAsync),
        new Command("list", $"List webhooks, one page; {All.Name} follows the pages to the end.") { PageSize, All }.Runs(ListAsync),
        new Command("show", "Show a webhook.") { WebhookId }.Runs(ShowAsync),
        new Command("update", "Change a webhook's address, events or state.") { WebhookId, NewUrl, NewEvents, Disable, Enable }.Runs(UpdateAsync),
        new Command("delete", "Delete a webhook; nothing more is sent to it.") { WebhookId }.Runs(DeleteAsync),
        new Command("deliveries", "Show a webhook's delivery log, every attempt, newest first.") { WebhookId, PageSize, All }.Runs(DeliveriesAsync),
        new Command("redeliver", "Send a delivery again (the same event id and body).") { WebhookId, DeliveryId }.Runs(RedeliverAsync),
        new Command("ping", "Send a webhook.ping to a webhook.") { WebhookId }.Runs(PingAsync),
    };

    private static async Task<int> CreateAsync(Session s)
    {
        var created = await s.Admin().CreateWebhookAsync(new NewWebhook { Url = s.Required(Url), Events = [.. s.Required(Events)], ProductId = s.Get(Product) });
        return Print(s, created);
    }

    private static async Task<int> ListAsync(Session s)
    {
        var admin = s.Admin();
        var pageSize = s.Get(PageSize);
        var (items, more) = await Pages.ReadAsync(s.Get(All), async token =>
        {
            var page = await admin.ListWebhooksAsync(pageSize, token);
            return (page.Items, page.ContinuationToken);
        });
        return s.ShowTable(
            ["ID", "URL", "EVENTS", "PRODUCT", "ENABLED", "CREATED"],
            items.Select(w => new object?[] { w.Id, w.Url, string.Join(",", w.Events), w.ProductId, w.Enabled, w.CreatedAt }),
            more,
            "more webhooks");
    }

    private static async Task<int> ShowAsync(Session s) => Print(s, await s.Admin().GetWebhookAsync(s.Required(WebhookId)));

    private static async Task<int> UpdateAsync(Session s)
    {
        var events = s.Get(NewEvents);
        var changes = new WebhookChanges
        {
            Url = s.Get(NewUrl),
            Events = events is { Length: > 0 } ? [.. events] : null,
            Enabled = (s.Get(Enable), s.Get(Disable)) switch
            {
                (true, false) => true,
                (false, true) => false,
                _ => null,
            },
        };
        return Print(s, await s.Admin().UpdateWebhookAsync(s.Required(WebhookId), changes));
    }

    private static async Task<int> DeleteAsync(Session s)
    {
        var id = s.Required(WebhookId);
        await s.Admin().DeleteWebhookAsync(id);
        return s.ShowDeleted("id", id, "webhook");
    }

    private static async Task<int> DeliveriesAsync(Session s)
    {
        var admin = s.Admin();
        var id = s.Required(WebhookId);
        var pageSize = s.Get(PageSize);
        var (items, more) = await Pages.ReadAsync(s.Get(All), async token =>
        {
            var page = await admin.ListWebhookDeliveriesAsync(id, pageSize, token);
            return (page.Items, page.ContinuationToken);
        });
        return s.ShowTable(
            ["DELIVERY", "EVENT", "TYPE", "ATTEMPT", "STATE", "STATUS", "AT", "NEXT", "ERROR"],
            items.Select(d => new object?[] { d.Id, d.EventId, d.Type, d.Attempt, d.State, d.HttpStatus, d.At, d.NextAttemptAt, d.Error }),
            more,
            "more deliveries");
    }

    private static async Task<int> RedeliverAsync(Session s) =>
        Print(s, await s.Admin().RedeliverWebhookAsync(s.Required(WebhookId), s.Required(DeliveryId)));

    private static async Task<int> PingAsync(Session s) => Print(s, await s.Admin().PingWebhookAsync(s.Required(WebhookId)));

    private static int Print(Session s, WebhookView webhook)
    {
        return s.Show(
        [
            ("id", webhook.Id),
            ("url", webhook.Url),
            ("events", string.Join(",", webhook.Events)),
            ("productId", webhook.ProductId),
            ("enabled", webhook.Enabled),
            ("createdAt", webhook.CreatedAt),
        ]);
    }

    private static int Print(Session s, WebhookDelivery scheduled)
    {
        return s.Show(
        [
            ("delivery", scheduled.Id),
            ("eventId", scheduled.EventId),
            ("type", scheduled.Type),
            ("attempt", scheduled.Attempt),
            ("state", scheduled.State),
        ]);
    }
}
