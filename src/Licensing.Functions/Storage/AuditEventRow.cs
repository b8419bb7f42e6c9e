namespace Licensing.Storage;

/// <summary>
/// One audit event, a row of its license's partition (or of the API keys' partition, for a key's creation or
/// deletion). Written only by create (inside the transaction of the
/// change it records), never updated: the trail is append-only and exists exactly when the change committed.
/// </summary>
public sealed record AuditEventRow
{
    /// <summary>The license's id, or the API keys' partition.</summary>
    public required string PartitionKey { get; init; }
    public required string RowKey { get; init; }
    public required string Type { get; init; }
    public required DateTimeOffset At { get; init; }

    /// <summary>Who: an API key's id, an identity from a bearer token, or <c>server</c> for the server's own acts.</summary>
    public required string Actor { get; init; }
    public string? ClientAddr { get; init; }
    public string? TokenId { get; init; }
    public string? MachineId { get; init; }
    public string? ClientId { get; init; }
    public string? ClientName { get; init; }
    public string? ApiKeyId { get; init; }

    /// <summary>For a license or key change: a JSON object of the fields changed and their new values.</summary>
    public string? Changes { get; init; }

    /// <summary>For a seat grant: true when the seat is one of the license's overage seats.</summary>
    public bool? Overage { get; init; }

    /// <summary>For a seat activated or deactivated by an offline request or proof: true.</summary>
    public bool? Offline { get; init; }

    public static AuditEventRow FromEntity(TableEntity e) => new()
    {
        PartitionKey = e.PartitionKey,
        RowKey = e.RowKey,
        Type = e.GetString(nameof(Type)) ?? "",
        At = e.GetDateTimeOffset(nameof(At)) ?? DateTimeOffset.UnixEpoch,
        Actor = e.GetString(nameof(Actor)) ?? "",
        ClientAddr = e.GetString(nameof(ClientAddr)),
        TokenId = e.GetString(nameof(TokenId)),
        MachineId = e.GetString(nameof(MachineId)),
        ClientId = e.GetString(nameof(ClientId)),
        ClientName = e.GetString(nameof(ClientName)),
        ApiKeyId = e.GetString(nameof(ApiKeyId)),
        Changes = e.GetString(nameof(Changes)),
        Overage = e.GetBoolean(nameof(Overage)),
        Offline = e.GetBoolean(nameof(Offline)),
    };

    public TableEntity ToEntity() => new(PartitionKey, RowKey)
    {
        [nameof(Type)] = Type,
        [nameof(At)] = At,
        [nameof(Actor)] = Actor,
        [nameof(ClientAddr)] = ClientAddr,
        [nameof(TokenId)] = TokenId,
        [nameof(MachineId)] = MachineId,
        [nameof(ClientId)] = ClientId,
        [nameof(ClientName)] = ClientName,
        [nameof(ApiKeyId)] = ApiKeyId,
        [nameof(Changes)] = Changes,
        [nameof(Overage)] = Overage,
        [nameof(Offline)] = Offline,
    };
}
