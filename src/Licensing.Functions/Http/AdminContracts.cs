namespace Licensing.Http;

/// <summary>The admin API's license view.</summary>
public sealed record LicenseView(
    string LicenseId,
    string UserKey,
    string ProductId,
    int LicensingMode,
    int MaxClientCount,
    int ActiveClientCount,
    Timestamp? ExpireAt,
    Timestamp? SupportExpireAt,
    Duration HeartbeatInterval,
    Duration GracePeriod,
    Duration MaxBorrowDuration,
    string? CustomerName,
    IReadOnlyList<string> Features,
    bool Revoked,
    bool Suspended,
    Timestamp IssuedAt,
    IReadOnlyList<EntitlementView> Entitlements,
    string? PolicyId,
    int OverageSeats,
    int MaxTransfers,
    bool Portal,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<MeterView>? Meters = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<LicenseTokenView>? LicenseTokens = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Truncated = null);

public sealed record LicenseTokenPage(IReadOnlyList<LicenseTokenView> Items, string? ContinuationToken);

public sealed record LicensePage(IReadOnlyList<LicenseView> Items, string? ContinuationToken);

public sealed record ApiKeyView(string Id, string Name, string Scope, string? ProductId, Timestamp CreatedAt, Timestamp? ExpiresAt);

public sealed record CreatedApiKey(string Id, string Name, string Scope, string? ProductId, Timestamp CreatedAt, Timestamp? ExpiresAt, string Key);

public sealed record ApiKeyList(IReadOnlyList<ApiKeyView> Items);

/// <summary>What an <c>apikey.created</c> event records of the new key (never the key).</summary>
public sealed record ApiKeyTerms(string Name, string Scope, string? ProductId);

/// <summary>One audit event: what happened, when, by whom (<c>actor</c>) and from where.</summary>
public sealed record AuditEventView(
    string Id,
    string? LicenseId,
    string? ApiKeyId,
    string Type,
    Timestamp At,
    string Actor,
    string? ClientAddr,
    string? Token,
    string? MachineId,
    string? ClientId,
    string? ClientName,
    System.Text.Json.JsonElement? Changes,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Overage = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Offline = null);

public sealed record AuditEventPage(IReadOnlyList<AuditEventView> Items, string? ContinuationToken);

/// <summary>GET /v1/admin/licenses/{id}/usage: one UTC hour of seat usage and of the units recorded per meter.</summary>
public sealed record UsageHourView(Timestamp Hour, int PeakSeats, int Grants, long Denials, IReadOnlyList<MeterUnitsView> Meters);

public sealed record MeterUnitsView(string Code, long Units);

public sealed record UsageView(IReadOnlyList<UsageHourView> Items);

/// <summary>
/// GET /v1/admin/whoami: who the server takes the caller for, from which address, and the forwarding headers that
/// reached the app, so an operator can check the address handling after deploying.
/// </summary>
public sealed record WhoAmIView(
    string KeyId,
    string Scope,
    string? ProductId,
    string ClientAddr,
    int TrustedProxyCount,
    IReadOnlyDictionary<string, string> ForwardingHeaders);
