using Licensing.Domain;
using Licensing.Seats;
using Licensing.Storage;

namespace Licensing.Signing;

/// <summary>Issues and reads the two signed things a client holds: its seat token and the license document.</summary>
public sealed class LicenseCredentials(TokenSigner signer)
{
    /// <summary>The seat's signed token, stating the seat's expiry.</summary>
    public IssuedToken IssueToken(SeatRow seat, DateTimeOffset now)
    {
        var claims = new SeatToken(
            seat.LicenseId,
            seat.RowKey,
            seat.TokenId,
            TableKeys.MachineHash(seat.MachineId),
            now.ToUnixTimeSeconds(),
            seat.IsLease ? null : seat.ExpireAt.ToUnixTimeSeconds());
        return new IssuedToken(signer.Sign(claims, SignedJson.Default.SeatToken), seat.ExpireAt);
    }

    /// <summary>A genuine token's claims, or null: forged, altered or garbage input never reaches storage.</summary>
    public SeatToken? ReadToken(string token)
    {
        var claims = signer.Verify(token, SignedJson.Default.SeatToken);
        return claims is not null && TableKeys.IsSeatRow(claims.SeatRow) ? claims : null;
    }

    /// <summary>The license's terms with its signed license document.</summary>
    public IssuedLicense IssueLicense(LicenseRow license, DateTimeOffset now)
    {
        var document = new LicenseDocument(
            license.LicenseId,
            license.ProductId,
            (int)license.Mode,
            license.MaxClientCount,
            license.ExpireAt?.ToUnixTimeSeconds(),
            license.SupportExpireAt?.ToUnixTimeSeconds(),
            license.Mode == LicensingMode.Floating ? (long)license.HeartbeatInterval.TotalSeconds : null,
            license.CustomerName,
            license.Features,
            now.ToUnixTimeSeconds());
        var signed = signer.Sign(document, SignedJson.Default.LicenseDocument);
        return new IssuedLicense(license.LicenseId, license.Mode, license.ExpireAt, license.SupportExpireAt, signed);
    }
}
