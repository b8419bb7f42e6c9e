namespace Licensing.Storage;

/// <summary>
/// A pending-delivery hint: an audit event that may have committed (written before its transaction), found by the
/// dispatcher by time. The event row is the truth: a hint whose event never committed is dropped once old enough.
/// </summary>
public sealed record WebhookHint(DateTimeOffset At, string Table, string EventPartition, string EventRow, string? ProductId)
{
    public string RowKey => TableKeys.WebhookHintRow(Table, EventPartition, EventRow);

    public static WebhookHint FromEntity(TableEntity e) => new(
        e.GetDateTimeOffset(nameof(At)) ?? DateTimeOffset.UnixEpoch,
        e.GetString(nameof(Table)) ?? "",
        e.GetString(nameof(EventPartition)) ?? "",
        e.GetString(nameof(EventRow)) ?? "",
        e.GetString(nameof(ProductId)));

    public TableEntity ToEntity() => new(TableKeys.WebhookHintPartition, RowKey)
    {
        [nameof(At)] = At,
        [nameof(Table)] = Table,
        [nameof(EventPartition)] = EventPartition,
        [nameof(EventRow)] = EventRow,
        [nameof(ProductId)] = ProductId,
    };
}

/// <summary>
/// One attempt of a delivery that is due at <see cref="DueAt"/>: the body to send (the same bytes on every attempt),
/// and since when the delivery has been tried (its retry window). Claimed by a dispatcher run before it is tried, so
/// two runs rarely send it twice; a claim that lapses (a run that died) lets the next run try it.
/// </summary>
public sealed record WebhookDue
{
    public required DateTimeOffset DueAt { get; init; }
    public required string WebhookId { get; init; }
    public required string DeliveryId { get; init; }
    public required int Attempt { get; init; }
    public required string EventId { get; init; }
    public required string Type { get; init; }
    public required string Body { get; init; }
    public required DateTimeOffset FirstAttemptAt { get; init; }

    /// <summary>When the event happened (its commit), for the delivery lag.</summary>
    public required DateTimeOffset EventAt { get; init; }
    public DateTimeOffset? ClaimedUntil { get; init; }
    public ETag ETag { get; init; }

    public string RowKey => TableKeys.WebhookDueRow(DueAt, WebhookId, DeliveryId, Attempt);

    public static WebhookDue FromEntity(TableEntity e) => new()
    {
        DueAt = e.GetDateTimeOffset(nameof(DueAt)) ?? DateTimeOffset.UnixEpoch,
        WebhookId = e.GetString(nameof(WebhookId)) ?? "",
        DeliveryId = e.GetString(nameof(DeliveryId)) ?? "",
        Attempt = e.GetInt32(nameof(Attempt)) ?? 1,
        EventId = e.GetString(nameof(EventId)) ?? "",
        Type = e.GetString(nameof(Type)) ?? "",
        Body = e.GetString(nameof(Body)) ?? "",
        FirstAttemptAt = e.GetDateTimeOffset(nameof(FirstAttemptAt)) ?? DateTimeOffset.UnixEpoch,
        EventAt = e.GetDateTimeOffset(nameof(EventAt)) ?? DateTimeOffset.UnixEpoch,
        ClaimedUntil = e.GetDateTimeOffset(nameof(ClaimedUntil)),
        ETag = e.ETag,
    };

    public TableEntity ToEntity() => new(TableKeys.WebhookDuePartition, RowKey)
    {
        [nameof(DueAt)] = DueAt,
        [nameof(WebhookId)] = WebhookId,
        [nameof(DeliveryId)] = DeliveryId,
        [nameof(Attempt)] = Attempt,
        [nameof(EventId)] = EventId,
        [nameof(Type)] = Type,
        [nameof(Body)] = Body,
        [nameof(FirstAttemptAt)] = FirstAttemptAt,
        [nameof(EventAt)] = EventAt,
        [nameof(ClaimedUntil)] = ClaimedUntil,
    };
}

/// <summary>The states of a delivery attempt in the log.</summary>
public static class DeliveryStates
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Retrying = "retrying";
    public const string Failed = "failed";
}

/// <summary>One attempt of a delivery, as its webhook's log keeps it (with the body, so a delivery can be sent again).</summary>
public sealed record WebhookAttempt
{
    public required string WebhookId { get; init; }
    public required string DeliveryId { get; init; }
    public required int Attempt { get; init; }
    public required string EventId { get; init; }
    public required string Type { get; init; }
    public required string State { get; init; }
    public int? HttpStatus { get; init; }
    public required DateTimeOffset At { get; init; }
    public DateTimeOffset? NextAttemptAt { get; init; }
    public string? Error { get; init; }
    public required string Body { get; init; }

    public static WebhookAttempt FromEntity(TableEntity e) => new()
    {
        WebhookId = e.PartitionKey["log|".Length..],
        DeliveryId = TableKeys.DeliveryIdOf(e.RowKey),
        Attempt = e.GetInt32(nameof(Attempt)) ?? 0,
        EventId = e.GetString(nameof(EventId)) ?? "",
        Type = e.GetString(nameof(Type)) ?? "",
        State = e.GetString(nameof(State)) ?? "",
        HttpStatus = e.GetInt32(nameof(HttpStatus)),
        At = e.GetDateTimeOffset(nameof(At)) ?? DateTimeOffset.UnixEpoch,
        NextAttemptAt = e.GetDateTimeOffset(nameof(NextAttemptAt)),
        Error = e.GetString(nameof(Error)),
        Body = e.GetString(nameof(Body)) ?? "",
    };

    public TableEntity ToEntity() => new(TableKeys.WebhookLogPartition(WebhookId), TableKeys.WebhookLogRow(DeliveryId, Attempt))
    {
        [nameof(Attempt)] = Attempt,
        [nameof(EventId)] = EventId,
        [nameof(Type)] = Type,
        [nameof(State)] = State,
        [nameof(HttpStatus)] = HttpStatus,
        [nameof(At)] = At,
        [nameof(NextAttemptAt)] = NextAttemptAt,
        [nameof(Error)] = Error,
        [nameof(Body)] = Body,
    };
}
