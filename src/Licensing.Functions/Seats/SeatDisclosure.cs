namespace Licensing.Seats;

/// <summary>
/// What info tells a client about the seats of its license. Its own machine's seats show in full; every other seat
/// shows its machine and client ids masked (a keyed hash: stable, so a UI can tell seats apart, but not reversible, so
/// nobody can present them to request, release or deactivate another machine's seat) and no address. Admin calls see
/// everything.
/// </summary>
public sealed class SeatDisclosure(TokenSigner signer)
{
    public const string MaskPrefix = "masked_";

    private readonly byte[] _maskKey = signer.DeriveSecret("info-mask");

    /// <summary>The seats as a client calling from <paramref name="callerMachineId"/> may see them.</summary>
    public IReadOnlyList<SeatRow> ForClient(IReadOnlyList<SeatRow> seats, string callerMachineId) =>
        seats.Select(seat => seat.MachineId == callerMachineId ? seat : Masked(seat)).ToArray();

    private SeatRow Masked(SeatRow seat)
    {
        var masked = SeatRow.FromEntity(seat.ToEntity());
        masked.MachineId = Mask(seat.LicenseId, "machine", seat.MachineId);
        masked.ClientId = seat.ClientId is { } clientId ? Mask(seat.LicenseId, "client", seat.MachineId + "\n" + clientId) : null;
        masked.ClientAddr = null;
        return masked;
    }

    private string Mask(string licenseId, string what, string value)
    {
        var mac = HMACSHA256.HashData(_maskKey, Encoding.UTF8.GetBytes(licenseId + "\n" + what + "\n" + value));
        return MaskPrefix + Base32.Encode(mac)[..16];
    }
}
