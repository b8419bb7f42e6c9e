namespace Licensing.Storage;

/// <summary>A webhook: where events go, which event types (exact, a <c>prefix.*</c> or <c>*</c>) and of which product (null: all).</summary>
public sealed record WebhookRow
{
    public required string Id { get; init; }
    public required string Url { get; init; }
    public required IReadOnlyList<string> Events { get; init; }
    public string? ProductId { get; init; }
    public bool Enabled { get; init; } = true;
    public required DateTimeOffset CreatedAt { get; init; }
    public ETag ETag { get; init; }

    /// <summary>Whether an event of <paramref name="type"/> on a license of <paramref name="productId"/> (null: not a license's) goes here.</summary>
    public bool Wants(string type, string? productId) =>
        Enabled
        && (ProductId is null || ProductId == productId)
        && Events.Any(pattern => pattern == "*" || pattern == type
            || (pattern.EndsWith(".*", StringComparison.Ordinal) && type.StartsWith(pattern[..^1], StringComparison.Ordinal)));

    public static WebhookRow FromEntity(TableEntity e) => new()
    {
        Id = e.RowKey,
        Url = e.GetString(nameof(Url)) ?? "",
        Events = (e.GetString(nameof(Events)) ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries),
        ProductId = e.GetString(nameof(ProductId)),
        Enabled = e.GetBoolean(nameof(Enabled)) ?? true,
        CreatedAt = e.GetDateTimeOffset(nameof(CreatedAt)) ?? DateTimeOffset.UnixEpoch,
        ETag = e.ETag,
    };

    public TableEntity ToEntity() => new(TableKeys.WebhookPartition, Id)
    {
        [nameof(Url)] = Url,
        [nameof(Events)] = string.Join('\n', Events),
        [nameof(ProductId)] = ProductId,
        [nameof(Enabled)] = Enabled,
        [nameof(CreatedAt)] = CreatedAt,
    };
}
