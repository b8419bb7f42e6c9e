namespace Licensing.Client;

/// <summary>The license block of activate, request and validate answers.</summary>
public sealed class LicenseSummary : EntitledTerms
{
    public string LicenseId { get; set; } = "";
    public LicensingMode LicensingMode { get; set; }
    public DateTimeOffset? ExpireAt { get; set; }
    public DateTimeOffset? SupportExpireAt { get; set; }

    /// <summary>The signed license document (a compact JWS, ASCII): verify it offline with <see cref="LicenseVerifier"/>.</summary>
    [JsonConverter(typeof(ByteValuesConverter))]
    public byte[] LicenseKey { get; set; } = [];
}

/// <summary>What every outcome-carrying answer shares: a reason and message when denied.</summary>
public abstract class LicenseOutcome
{
    /// <summary>The wire reason code, e.g. <c>seats_exhausted</c>.</summary>
    [JsonPropertyName("reason")]
    public string? ReasonCode { get; set; }

    public string? Message { get; set; }

    /// <summary>The reason as an enum, or null when the call succeeded.</summary>
    [JsonIgnore]
    public LicenseReason? Reason => LicenseReasons.Parse(ReasonCode);

    public int ActiveClientCount { get; set; }
    public int MaxClientCount { get; set; }

    /// <summary>True while the license is past its expireAt but within its grace period; false otherwise.</summary>
    public bool InGrace { get; set; }

    /// <summary>When the grace period ends (set only while <see cref="InGrace"/>): the license stops working then.</summary>
    public DateTimeOffset? GraceEndsAt { get; set; }
}

/// <summary>The answer of activate (the reference's ActivateLicenseResponse).</summary>
public class ActivateLicenseResponse : LicenseOutcome
{
    public bool Success { get; set; }
    public string? LicenseToken { get; set; }
    public DateTimeOffset? TokenExpireAt { get; set; }
    public LicenseSummary? License { get; set; }

    /// <summary>True when the seat is one of the license's overage seats (granted beyond maxClientCount).</summary>
    public bool Overage { get; set; }

    /// <summary>validate: the license's meters and their counts (empty for a license without meters).</summary>
    public List<MeterStanding> Meters { get; set; } = [];
}

/// <summary>The answer of validate (the reference's ValidateLicenseResponse, the same shape as activate's).</summary>
public sealed class ValidateLicenseResponse : ActivateLicenseResponse
{
}

/// <summary>The answer of request (the reference's RequestLicenseResponse).</summary>
public sealed class RequestLicenseResponse : LicenseOutcome
{
    public bool Granted { get; set; }
    public string? LicenseToken { get; set; }
    public DateTimeOffset? TokenExpireAt { get; set; }
    public TimeSpan? HeartbeatInterval { get; set; }
    public LicenseSummary? License { get; set; }

    /// <summary>True when the lease is one of the license's overage seats (granted beyond maxClientCount).</summary>
    public bool Overage { get; set; }
}

/// <summary>The answer of heartbeat.</summary>
public sealed class HeartbeatResponse : LicenseOutcome
{
    public bool Active { get; set; }
    public DateTimeOffset? TokenExpireAt { get; set; }
    public TimeSpan? HeartbeatInterval { get; set; }
}

/// <summary>The answer of borrow: the borrowed lease's new token, good offline until <see cref="TokenExpireAt"/>.</summary>
public sealed class BorrowLicenseResponse : LicenseOutcome
{
    public bool Borrowed { get; set; }
    public string? LicenseToken { get; set; }
    public DateTimeOffset? TokenExpireAt { get; set; }
}

/// <summary>The answer of deactivate and release.</summary>
public sealed class SeatCountResponse
{
    public string LicenseId { get; set; } = "";
    public int ActiveClientCount { get; set; }
    public int MaxClientCount { get; set; }

    /// <summary>True while the license is past its expireAt but within its grace period; false otherwise.</summary>
    public bool InGrace { get; set; }

    /// <summary>When the grace period ends (set only while <see cref="InGrace"/>): the license stops working then.</summary>
    public DateTimeOffset? GraceEndsAt { get; set; }
}

/// <summary>One seat as info shows it; <see cref="Token"/> is its public id.</summary>
public sealed class LicenseTokenInfo
{
    public string Token { get; set; } = "";
    public string LicenseId { get; set; } = "";
    public bool Revoked { get; set; }
    public string? ClientId { get; set; }
    public string? ClientAddr { get; set; }
    public string? ClientName { get; set; }
    public string MachineId { get; set; } = "";
    public DateTimeOffset? IssuedAt { get; set; }
    public DateTimeOffset? ExpireAt { get; set; }

    /// <summary>The last heartbeat (the wire spells it <c>lastHearbeat</c>, as the reference does).</summary>
    [JsonPropertyName("lastHearbeat")]
    public DateTimeOffset? LastHeartbeat { get; set; }

    public string? State { get; set; }

    /// <summary>True for a seat granted as one of the license's overage seats.</summary>
    public bool Overage { get; set; }
}

/// <summary>The answer of info.</summary>
public sealed class LicenseInfoResponse
{
    public List<LicenseTokenInfo> LicenseTokens { get; set; } = [];
    public string LicenseId { get; set; } = "";
    public int MaxClientCount { get; set; }
    public int ActiveClientCount { get; set; }
    public LicensingMode LicensingMode { get; set; }
    public bool Revoked { get; set; }
    public DateTimeOffset? IssuedAt { get; set; }
    public DateTimeOffset? ExpireAt { get; set; }
    public DateTimeOffset? SupportExpireAt { get; set; }

    /// <summary>True when older ended seats were left out: info lists every live seat and at most the 100 newest ended ones.</summary>
    public bool Truncated { get; set; }

    /// <summary>True while the license is past its expireAt but within its grace period; false otherwise.</summary>
    public bool InGrace { get; set; }

    /// <summary>When the grace period ends (set only while <see cref="InGrace"/>): the license stops working then.</summary>
    public DateTimeOffset? GraceEndsAt { get; set; }

    /// <summary>The license's meters and their counts.</summary>
    public List<MeterStanding> Meters { get; set; } = [];
}

/// <summary>A public signing key (RFC 7517).</summary>
public sealed class JsonWebKey
{
    public string Kty { get; set; } = "";
    public string Crv { get; set; } = "";
    public string X { get; set; } = "";
    public string Y { get; set; } = "";
    public string Kid { get; set; } = "";
    public string? Use { get; set; }
    public string? Alg { get; set; }
}

/// <summary>The server's public keys (GET /v1/license/keys).</summary>
public sealed class JsonWebKeySet
{
    public List<JsonWebKey> Keys { get; set; } = [];

    /// <summary>The keys as JWKS JSON, to ship with an app or keep for <see cref="LicenseVerifier.FromJwks"/>.</summary>
    public string ToJson() => System.Text.Json.JsonSerializer.Serialize(this, WireJson.Options);
}
