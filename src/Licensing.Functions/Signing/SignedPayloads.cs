namespace Licensing.Signing;

/// <summary>The kinds of signed payload. Each says what it is twice: in its JWS header's <c>typ</c> and in a required
/// <c>kind</c> claim, so one kind is never accepted where another is expected (a license document is no seat token).</summary>
public static class TokenKinds
{
    public const string Lease = "lease";
    public const string Activation = "activation";
    public const string License = "license";

    /// <summary>An offline activation's response: its <c>typ</c> is the kind itself, as the contract names it.</summary>
    public const string OfflineActivation = "offline-activation";

    /// <summary>A customer portal's session: one license, one hour, sent as <c>Authorization: Bearer</c>.</summary>
    public const string PortalSession = "portal-session";

    /// <summary>Every kind this app signs.</summary>
    public static readonly IReadOnlyList<string> All = [Lease, Activation, License, OfflineActivation, PortalSession];

    /// <summary>The JWS header <c>typ</c> of a kind (RFC 8725's explicit typing).</summary>
    public static string HeaderType(string kind) => kind == OfflineActivation ? kind : kind + "+jwt";
}

/// <summary>A payload that names its kind.</summary>
public interface ISignedPayload
{
    string Kind { get; }
}

/// <summary>
/// What a license token says: which license and seat row, which grant (<c>tid</c>), which machine (hashed),
/// when it was issued and, for an activation, until when it is valid offline.
/// </summary>
public sealed record SeatToken(
    [property: JsonPropertyName("lid")] string LicenseId,
    [property: JsonPropertyName("seat")] string SeatRow,
    [property: JsonPropertyName("tid")] string TokenId,
    [property: JsonPropertyName("mid")] string MachineHash,
    [property: JsonPropertyName("iat")] long IssuedAt,
    [property: JsonPropertyName("exp"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? ExpiresAt,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("ent"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<SignedEntitlement>? Entitlements = null) : ISignedPayload
{
    /// <summary>Every claim a seat token must carry is there, and its kind matches its seat row's.</summary>
    public bool IsComplete =>
        !string.IsNullOrEmpty(LicenseId) && !string.IsNullOrEmpty(TokenId) && !string.IsNullOrEmpty(MachineHash) && IssuedAt > 0
        && Kind == (TableKeys.IsLeaseRow(SeatRow ?? "") ? TokenKinds.Lease : TableKeys.IsActivationRow(SeatRow ?? "") ? TokenKinds.Activation : null);
}

/// <summary>The signed license document carried in <c>licenseKey</c>, verifiable offline against the JWKS.</summary>
public sealed record LicenseDocument(
    string LicenseId,
    string ProductId,
    int LicensingMode,
    int MaxClientCount,
    long? ExpireAt,
    long? SupportExpireAt,
    long? HeartbeatIntervalSeconds,
    string? CustomerName,
    IReadOnlyList<string> Features,
    long IssuedAt,
    string Kind,
    IReadOnlyList<SignedEntitlement>? Entitlements = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? GraceEndsAt = null) : ISignedPayload;

/// <summary>
/// The signed body of an offline activation's response: the activation (its seat token and expiry), the license
/// document, the entitlements, the request it answers, and the secret that keys the machine's deactivation proof.
/// </summary>
public sealed record OfflineActivationPayload(
    string LicenseId,
    string ProductId,
    string MachineId,
    string RequestId,
    string LicenseToken,
    long TokenExpireAt,
    string LicenseKey,
    IReadOnlyList<SignedEntitlement> Entitlements,
    long IssuedAt,
    string DeactivationSecret,
    string Kind) : ISignedPayload;

/// <summary>
/// A portal session: which license (and which creation of it, so a license deleted and made again with the same user key
/// is not the one signed in to), when it was issued and until when it acts.
/// </summary>
public sealed record PortalSessionClaims(
    [property: JsonPropertyName("lid")] string LicenseId,
    [property: JsonPropertyName("cid")] string CreationId,
    [property: JsonPropertyName("iat")] long IssuedAt,
    [property: JsonPropertyName("exp")] long ExpiresAt,
    [property: JsonPropertyName("kind")] string Kind) : ISignedPayload;

/// <summary>An entitlement as documents and tokens carry it: its value as given, its expiry in Unix seconds.</summary>
public sealed record SignedEntitlement(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("value"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonElement? Value,
    [property: JsonPropertyName("expireAt"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? ExpireAt)
{
    public static IReadOnlyList<SignedEntitlement> Of(IReadOnlyList<Domain.Entitlement> entitlements) =>
        entitlements.Select(e => new SignedEntitlement(e.Code, ValueOf(e.ValueJson), e.ExpireAt?.ToUnixTimeSeconds())).ToArray();

    private static JsonElement? ValueOf(string? json)
    {
        if (json is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SeatToken))]
[JsonSerializable(typeof(JwsHeader))]
[JsonSerializable(typeof(LicenseDocument))]
[JsonSerializable(typeof(OfflineActivationPayload))]
[JsonSerializable(typeof(PortalSessionClaims))]
public sealed partial class SignedJson : JsonSerializerContext;
