using System.Text.Json;
using System.Text.Json.Serialization;
using Licensing.Storage;

namespace Licensing.Signing;

/// <summary>The three kinds of signed payload. Each says what it is twice: in its JWS header's <c>typ</c> and in a required
/// <c>kind</c> claim, so one kind is never accepted where another is expected (a license document is no seat token).</summary>
public static class TokenKinds
{
    public const string Lease = "lease";
    public const string Activation = "activation";
    public const string License = "license";

    /// <summary>The JWS header <c>typ</c> of a kind (RFC 8725's explicit typing).</summary>
    public static string HeaderType(string kind) => kind + "+jwt";
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
    [property: JsonPropertyName("kind")] string Kind) : ISignedPayload
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
    string Kind) : ISignedPayload;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SeatToken))]
[JsonSerializable(typeof(JwsHeader))]
[JsonSerializable(typeof(LicenseDocument))]
public sealed partial class SignedJson : JsonSerializerContext;
