using System.Text.Json;
using System.Text.Json.Serialization;

namespace Licensing.Signing;

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
    [property: JsonPropertyName("exp"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? ExpiresAt);

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
    long IssuedAt);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SeatToken))]
[JsonSerializable(typeof(JwsHeader))]
[JsonSerializable(typeof(LicenseDocument))]
public sealed partial class SignedJson : JsonSerializerContext;
