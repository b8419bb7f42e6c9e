namespace Licensing.Http;

/// <summary>POST /v1/portal/session: the session to send as <c>Authorization: Bearer</c>, until when, for which license.</summary>
public sealed record PortalSessionResponse(string SessionToken, Timestamp ExpiresAt, string LicenseId);

/// <summary>
/// GET /v1/portal/license: the admin license view (<c>licenseTokens</c> holding the live seats only), the license's
/// <c>status</c> (<c>active</c>, <c>suspended</c>, <c>revoked</c> or <c>expired</c>), its grace, and its moves.
/// </summary>
public sealed record PortalLicenseView(
    LicenseView License,
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? InGrace,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Timestamp? GraceEndsAt,
    PortalTransfersView? Transfers);

/// <summary>A node-locked license's moves: how many 30 days allow, how many are left, and when one is again if none is.</summary>
public sealed record PortalTransfersView(int MaxTransfers, int MovesLeft, Timestamp? NextMoveAt);
