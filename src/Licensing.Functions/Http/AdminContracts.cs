using System.Text.Json.Serialization;

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
    string? CustomerName,
    IReadOnlyList<string> Features,
    bool Revoked,
    bool Suspended,
    Timestamp IssuedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<LicenseTokenView>? LicenseTokens = null);

public sealed record LicensePage(IReadOnlyList<LicenseView> Items, string? ContinuationToken);

public sealed record ApiKeyView(string Id, string Name, string Scope, string? ProductId, Timestamp CreatedAt);

public sealed record CreatedApiKey(string Id, string Name, string Scope, string? ProductId, Timestamp CreatedAt, string Key);

public sealed record ApiKeyList(IReadOnlyList<ApiKeyView> Items);
