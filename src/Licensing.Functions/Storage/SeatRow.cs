namespace Licensing.Storage;

/// <summary>
/// One seat: a machine's activation or a (machine, client) lease. The row is reused when the same machine or
/// pair takes a seat again; <see cref="TokenId"/> tells one grant from the next, so an old token never
/// acts on a newer grant.
/// </summary>
public sealed class SeatRow
{
    public required string LicenseId { get; init; }
    public required string RowKey { get; init; }
    public required string TokenId { get; set; }
    public required string MachineId { get; set; }
    public string? ClientId { get; set; }
    public string? ClientName { get; set; }
    public string? ClientAddr { get; set; }
    public string State { get; set; } = SeatState.Live;
    public DateTimeOffset IssuedAt { get; set; }

    /// <summary>A lease: when it lapses unless a heartbeat comes. An activation: when its token must be renewed.</summary>
    public DateTimeOffset ExpireAt { get; set; }
    public DateTimeOffset? LastHeartbeat { get; set; }

    /// <summary>A borrowed lease: it needs no heartbeat until then, and no heartbeat shortens it.</summary>
    public DateTimeOffset? BorrowedUntil { get; set; }
    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>Granted beyond the license's maxClientCount (one of its overage seats); set at the grant, never changed.</summary>
    public bool Overage { get; set; }
    public ETag ETag { get; set; }

    public bool IsLease => TokenId.StartsWith(TokenIds.LeasePrefix, StringComparison.Ordinal);

    public static SeatRow FromEntity(TableEntity e) => new()
    {
        LicenseId = e.PartitionKey,
        RowKey = e.RowKey,
        TokenId = e.GetString(nameof(TokenId)) ?? "",
        MachineId = e.GetString(nameof(MachineId)) ?? "",
        ClientId = e.GetString(nameof(ClientId)),
        ClientName = e.GetString(nameof(ClientName)),
        ClientAddr = e.GetString(nameof(ClientAddr)),
        State = e.GetString(nameof(State)) ?? SeatState.Expired,
        IssuedAt = e.GetDateTimeOffset(nameof(IssuedAt)) ?? DateTimeOffset.UnixEpoch,
        ExpireAt = e.GetDateTimeOffset(nameof(ExpireAt)) ?? DateTimeOffset.UnixEpoch,
        LastHeartbeat = e.GetDateTimeOffset(nameof(LastHeartbeat)),
        BorrowedUntil = e.GetDateTimeOffset(nameof(BorrowedUntil)),
        EndedAt = e.GetDateTimeOffset(nameof(EndedAt)),
        Overage = e.GetBoolean(nameof(Overage)) ?? false,
        ETag = e.ETag,
    };

    public TableEntity ToEntity() => new(LicenseId, RowKey)
    {
        [nameof(TokenId)] = TokenId,
        [nameof(MachineId)] = MachineId,
        [nameof(ClientId)] = ClientId,
        [nameof(ClientName)] = ClientName,
        [nameof(ClientAddr)] = ClientAddr,
        [nameof(State)] = State,
        [nameof(IssuedAt)] = IssuedAt,
        [nameof(ExpireAt)] = ExpireAt,
        [nameof(LastHeartbeat)] = LastHeartbeat,
        [nameof(BorrowedUntil)] = BorrowedUntil,
        [nameof(EndedAt)] = EndedAt,
        [nameof(Overage)] = Overage,
        ETag = ETag,
    };

    public void End(string state, DateTimeOffset at)
    {
        State = state;
        EndedAt = at;
    }
}
