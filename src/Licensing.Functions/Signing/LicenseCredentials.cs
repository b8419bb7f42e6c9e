namespace Licensing.Signing;

/// <summary>Issues and reads the two signed things a client holds: its seat token and the license document.</summary>
public sealed class LicenseCredentials(TokenSigner signer)
{
    /// <summary>The seat's signed token, stating the seat's expiry and the license's entitlements in force.</summary>
    public IssuedToken IssueToken(SeatRow seat, LicenseRow license, DateTimeOffset now)
    {
        var entitlements = Entitlement.InForce(license.Entitlements, now);
        var claims = new SeatToken(
            seat.LicenseId,
            seat.RowKey,
            seat.TokenId,
            TableKeys.MachineHash(seat.MachineId),
            now.ToUnixTimeSeconds(),
            seat.IsLease ? seat.BorrowedUntil?.ToUnixTimeSeconds() : seat.ExpireAt.ToUnixTimeSeconds(),
            seat.IsLease ? TokenKinds.Lease : TokenKinds.Activation,
            entitlements.Count == 0 ? null : SignedEntitlement.Of(entitlements));
        return new IssuedToken(signer.Sign(claims, SignedJson.Default.SeatToken), seat.ExpireAt, seat.TokenId);
    }

    /// <summary>
    /// A genuine seat token's claims (a lease's or an activation's, with every claim it must carry), or null: forged,
    /// altered or garbage input, and signed payloads of another kind (a license document), never reach storage.
    /// </summary>
    public SeatToken? ReadToken(string token)
    {
        var claims = signer.Verify(token, SignedJson.Default.SeatToken, TokenKinds.Lease, TokenKinds.Activation);
        return claims is { IsComplete: true } ? claims : null;
    }

    /// <summary>The license's terms with its signed license document.</summary>
    public IssuedLicense IssueLicense(LicenseRow license, DateTimeOffset now)
    {
        var entitlements = Entitlement.InForce(license.Entitlements, now);
        var document = new LicenseDocument(
            license.LicenseId,
            license.ProductId,
            (int)license.Mode,
            license.MaxClientCount,
            license.ExpireAt?.ToUnixTimeSeconds(),
            license.SupportExpireAt?.ToUnixTimeSeconds(),
            license.Mode == LicensingMode.Floating ? (long)license.HeartbeatInterval.TotalSeconds : null,
            license.CustomerName,
            entitlements.Select(e => e.Code).ToArray(),
            now.ToUnixTimeSeconds(),
            TokenKinds.License,
            SignedEntitlement.Of(entitlements),
            license.GracePeriod > TimeSpan.Zero ? LicenseRules.UsableUntil(license)?.ToUnixTimeSeconds() : null);
        var signed = signer.Sign(document, SignedJson.Default.LicenseDocument);
        return new IssuedLicense(license.LicenseId, license.Mode, license.ExpireAt, license.SupportExpireAt, signed, entitlements, license.ProductId);
    }
}
