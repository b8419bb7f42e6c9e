namespace Licensing.Http;

public static partial class Answers
{
    /// <summary>The document's download name and type: the compact JWS as it is, ASCII.</summary>
    public const string DocumentContentType = "application/jose";

    public static IActionResult PortalSession(IssuedSession session) => ApiResult.Ok(
        new PortalSessionResponse(session.SessionToken, Timestamp.From(session.ExpiresAt), session.LicenseId),
        ApiJson.Wire.PortalSessionResponse).Noting(reason: null, session.LicenseId, seatsInUse: null);

    /// <summary>The owner's view: the admin view of the license and its live seats, with its status, grace and moves.</summary>
    public static IActionResult PortalLicense(OwnersLicense view)
    {
        var (license, at) = (view.Holdings.License, view.Holdings.At);
        var graceEndsAt = LicenseRules.GraceEndsAt(license, at);
        return ApiResult.Ok(
            new PortalLicenseView(
                ViewOf(view.Holdings, withTokens: true),
                Status(LicenseRules.Deny(license, at, requiredMode: null)),
                InGrace(graceEndsAt),
                Timestamp.From(graceEndsAt),
                view.MovesLeft is { } left ? new PortalTransfersView(license.MaxTransfers, left, Timestamp.From(view.NextMoveAt)) : null),
            ApiJson.Wire.PortalLicenseView).Noting(reason: null, license.LicenseId, view.Holdings.Seats?.Count);
    }

    /// <summary>The signed license document as a file to save (<c>{licenseId}.lic</c>).</summary>
    public static IActionResult Document(IssuedLicense license) =>
        ApiResult.Download(System.Text.Encoding.ASCII.GetBytes(license.SignedDocument), DocumentContentType, license.LicenseId + ".lic");

    private static string Status(string? denial) => denial switch
    {
        null => "active",
        Reasons.LicenseRevoked => "revoked",
        Reasons.LicenseSuspended => "suspended",
        _ => "expired",
    };
}
