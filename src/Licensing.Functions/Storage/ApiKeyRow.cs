namespace Licensing.Storage;

/// <summary>A stored API key: its public id and the SHA-256 of the whole key, never the key; no expiry unless one was set.</summary>
public sealed record ApiKeyRow(string Id, string Name, string Scope, string? ProductId, DateTimeOffset CreatedAt, byte[] SecretHash, DateTimeOffset? ExpiresAt = null)
{
    public static ApiKeyRow FromEntity(TableEntity e) =>
        new(e.RowKey,
            e.GetString(nameof(Name)) ?? "",
            e.GetString(nameof(Scope)) ?? "",
            e.GetString(nameof(ProductId)),
            e.GetDateTimeOffset(nameof(CreatedAt)) ?? DateTimeOffset.UnixEpoch,
            e.GetBinary(nameof(SecretHash)) ?? [],
            e.GetDateTimeOffset(nameof(ExpiresAt)));

    public TableEntity ToEntity() => new(TableKeys.ApiKeyPartition, Id)
    {
        [nameof(Name)] = Name,
        [nameof(Scope)] = Scope,
        [nameof(ProductId)] = ProductId,
        [nameof(CreatedAt)] = CreatedAt,
        [nameof(SecretHash)] = SecretHash,
        [nameof(ExpiresAt)] = ExpiresAt,
    };
}
