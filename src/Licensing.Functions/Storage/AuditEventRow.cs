using Azure.Data.Tables;

namespace Licensing.Storage;

/// <summary>
/// One audit event, a row of its license's partition. Written only by create (inside the transaction of the
/// change it records), never updated: the trail is append-only and exists exactly when the change committed.
/// </summary>
public sealed record AuditEventRow
{
    public required string LicenseId { get; init; }
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

    /// <summary>For a license change: a JSON object of the fields changed and their new values.</summary>
    public string? Changes { get; init; }

    public static AuditEventRow FromEntity(TableEntity e) => new()
    {
        LicenseId = e.PartitionKey,
        RowKey = e.RowKey,
        Type = e.GetString(nameof(Type)) ?? "",
        At = e.GetDateTimeOffset(nameof(At)) ?? DateTimeOffset.UnixEpoch,
        Actor = e.GetString(nameof(Actor)) ?? "",
        ClientAddr = e.GetString(nameof(ClientAddr)),
        TokenId = e.GetString(nameof(TokenId)),
        MachineId = e.GetString(nameof(MachineId)),
        ClientId = e.GetString(nameof(ClientId)),
        ClientName = e.GetString(nameof(ClientName)),
        Changes = e.GetString(nameof(Changes)),
    };

    public TableEntity ToEntity() => new(LicenseId, RowKey)
    {
        [nameof(Type)] = Type,
        [nameof(At)] = At,
        [nameof(Actor)] = Actor,
        [nameof(ClientAddr)] = ClientAddr,
        [nameof(TokenId)] = TokenId,
        [nameof(MachineId)] = MachineId,
        [nameof(ClientId)] = ClientId,
        [nameof(ClientName)] = ClientName,
        [nameof(Changes)] = Changes,
    };
}
