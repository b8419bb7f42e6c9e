using Licensing.Domain;
using Licensing.Http;
using Licensing.Storage;

namespace Licensing.Seats;

/// <summary>How seats are shown by info and the admin API, and how they are counted there.</summary>
public static class SeatViews
{
    public static LicenseTokenView View(SeatRow seat, DateTimeOffset now) => new(
        seat.TokenId,
        seat.LicenseId,
        Revoked: !LicenseRules.HoldsSeat(seat, now),
        seat.ClientId,
        seat.ClientAddr,
        seat.ClientName,
        seat.MachineId,
        Timestamp.From(seat.IssuedAt),
        Timestamp.From(seat.EndedAt is { } ended && ended < seat.ExpireAt ? ended : seat.ExpireAt),
        Timestamp.From(seat.LastHeartbeat),
        seat.State == SeatState.Live && !LicenseRules.HoldsSeat(seat, now) ? SeatState.Expired : seat.State);

    public static IReadOnlyList<LicenseTokenView> Views(IEnumerable<SeatRow> seats, DateTimeOffset now) =>
        seats.OrderBy(s => s.IssuedAt).Select(s => View(s, now)).ToArray();

    /// <summary>The exact count of seats held now, from every seat row.</summary>
    public static int Held(IEnumerable<SeatRow> seats, DateTimeOffset now) => seats.Count(s => LicenseRules.HoldsSeat(s, now));
}
