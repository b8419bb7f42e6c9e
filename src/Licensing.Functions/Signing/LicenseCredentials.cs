using System.Text;
using Licensing.Domain;
using Licensing.Http;
using Licensing.Storage;

namespace Licensing.Signing;

/// <summary>Issues and reads the two signed things a client holds: its seat token and the license document.</summary>
public sealed class LicenseCredentials(TokenSigner signer)
{
    public string IssueToken(SeatRow seat, DateTimeOffset now) => signer.Sign(
        new SeatToken(
            seat.LicenseId,
            seat.RowKey,
            seat.TokenId,
            TableKeys.MachineHash(seat.MachineId),
            now.ToUnixTimeSeconds(),
            seat.IsLease ? null : seat.ExpireAt.ToUnixTimeSeconds()),
        SignedJson.Default.SeatToken);

    /// <summary>A genuine token's claims, or null: forged, altered or garbage input never reaches storage.</summary>
    public SeatToken? ReadToken(string token)
    {
        var claims = signer.Verify(token, SignedJson.Default.SeatToken);
        return claims is not null && TableKeys.IsSeatRow(claims.SeatRow) ? claims : null;
    }

    public LicenseSummary Summary(LicenseRow license, DateTimeOffset now)
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
        return new LicenseSummary(
            license.LicenseId,
            (int)license.Mode,
            Timestamp.From(license.ExpireAt),
            Timestamp.From(license.SupportExpireAt),
            Encoding.ASCII.GetBytes(signed));
    }
}
