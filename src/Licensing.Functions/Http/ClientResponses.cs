namespace Licensing.Http;

/// <summary>The license block of activate, request and validate responses.</summary>
public sealed record LicenseSummary(
    string LicenseId,
    int LicensingMode,
    Timestamp? ExpireAt,
    Timestamp? SupportExpireAt,
    [property: JsonConverter(typeof(ByteValuesConverter))] byte[] LicenseKey,
    IReadOnlyList<EntitlementView> Entitlements);

/// <summary>activate and validate.</summary>
public sealed record ActivateLicenseResponse(
    bool Success,
    string? LicenseToken,
    Timestamp? TokenExpireAt,
    int ActiveClientCount,
    int MaxClientCount,
    LicenseSummary? License,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Message = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? InGrace = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Timestamp? GraceEndsAt = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Overage = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<MeterView>? Meters = null);

/// <summary>trial: activate's answer and the user key of the machine's trial license.</summary>
public sealed record TrialLicenseResponse(
    bool Success,
    string? LicenseToken,
    Timestamp? TokenExpireAt,
    int ActiveClientCount,
    int MaxClientCount,
    LicenseSummary? License,
    string? UserKey,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Message = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? InGrace = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Timestamp? GraceEndsAt = null);

public sealed record RequestLicenseResponse(
    bool Granted,
    string? LicenseToken,
    Timestamp? TokenExpireAt,
    Duration? HeartbeatInterval,
    int ActiveClientCount,
    int MaxClientCount,
    LicenseSummary? License,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Message = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? InGrace = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Timestamp? GraceEndsAt = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Overage = null);

public sealed record HeartbeatResponse(
    bool Active,
    int ActiveClientCount,
    int MaxClientCount,
    Timestamp? TokenExpireAt,
    Duration? HeartbeatInterval,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Message = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? InGrace = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Timestamp? GraceEndsAt = null);

/// <summary>borrow.</summary>
public sealed record BorrowLicenseResponse(
    bool Borrowed,
    string? LicenseToken,
    Timestamp? TokenExpireAt,
    int ActiveClientCount,
    int MaxClientCount,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Message = null);

/// <summary>offline/activate: the signed response text to carry back to the air-gapped machine.</summary>
public sealed record OfflineActivateResponse(
    bool Success,
    string? Response,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Message = null);

/// <summary>offline/deactivate: deactivate's counts when the proof verified, else the reason.</summary>
public sealed record OfflineDeactivateResponse(
    bool Success,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? LicenseId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? ActiveClientCount,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? MaxClientCount,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Message = null);

/// <summary>deactivate and release.</summary>
public sealed record SeatCountResponse(string LicenseId, int ActiveClientCount, int MaxClientCount);

/// <summary>One seat as info and the admin API show it: <c>token</c> is the public id, never the bearer token.</summary>
public sealed record LicenseTokenView(
    string Token,
    string LicenseId,
    bool Revoked,
    string? ClientId,
    string? ClientAddr,
    string? ClientName,
    string MachineId,
    Timestamp IssuedAt,
    Timestamp ExpireAt,
    [property: JsonPropertyName("lastHearbeat")] Timestamp? LastHeartbeat,
    string State,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Overage = null);

public sealed record LicenseInfoResponse(
    IReadOnlyList<LicenseTokenView> LicenseTokens,
    string LicenseId,
    int MaxClientCount,
    int ActiveClientCount,
    int LicensingMode,
    bool Revoked,
    Timestamp IssuedAt,
    Timestamp? ExpireAt,
    Timestamp? SupportExpireAt,
    bool Truncated,
    IReadOnlyList<MeterView> Meters,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? InGrace = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Timestamp? GraceEndsAt = null);

public sealed record JwksResponse(IReadOnlyList<Signing.Jwk> Keys);

/// <summary>A meter's standing in validate, info and the admin license view; its terms beside it.</summary>
public sealed record MeterView(
    string Code,
    long Used,
    long? Limit,
    long? Remaining,
    Timestamp? PeriodEndsAt,
    string? ResetPeriod,
    long Overage);

/// <summary>usage: one use's answer.</summary>
public sealed record UsageResponse(
    bool Recorded,
    string Meter,
    long Used,
    long? Limit,
    long? Remaining,
    Timestamp? PeriodEndsAt,
    bool Overage,
    bool Duplicate,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Message = null);

/// <summary>usage with <c>events</c>: one answer per use, in the order sent.</summary>
public sealed record UsageBatchResponse(IReadOnlyList<UsageResponse> Items);
