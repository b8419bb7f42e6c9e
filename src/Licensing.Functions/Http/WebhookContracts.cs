namespace Licensing.Http;

/// <summary>The admin API's webhook view.</summary>
public sealed record WebhookView(string Id, string Url, IReadOnlyList<string> Events, string? ProductId, bool Enabled, Timestamp CreatedAt);

public sealed record WebhookList(IReadOnlyList<WebhookView> Items, string? ContinuationToken);

/// <summary>One attempt of a delivery in a webhook's log (or one scheduled by redeliver or ping: <c>pending</c>).</summary>
public sealed record DeliveryView(
    string Id,
    string EventId,
    string Type,
    int Attempt,
    string State,
    int? HttpStatus,
    Timestamp At,
    Timestamp? NextAttemptAt,
    string? Error);

public sealed record DeliveryList(IReadOnlyList<DeliveryView> Items, string? ContinuationToken);
