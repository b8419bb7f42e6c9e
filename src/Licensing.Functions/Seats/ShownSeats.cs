namespace Licensing.Seats;

/// <summary>
/// The seats info and the admin license view show: every live seat and at most <see cref="MaxEnded"/> ended ones, the
/// newest, so the answer stays bounded however many ended seats the license keeps; <c>truncated</c> says some were left out.
/// </summary>
public static class ShownSeats
{
    public const int MaxEnded = 100;

    public static LicenseHoldings Of(LicenseRow license, IReadOnlyList<SeatRow> seats, DateTimeOffset at)
    {
        var ended = seats.Where(s => s.State != SeatState.Live).ToArray();
        if (ended.Length <= MaxEnded)
        {
            return new LicenseHoldings(license, seats, at);
        }

        var shown = seats.Where(s => s.State == SeatState.Live)
            .Concat(ended.OrderByDescending(s => s.EndedAt ?? s.IssuedAt).ThenBy(s => s.RowKey, StringComparer.Ordinal).Take(MaxEnded))
            .ToArray();
        return new LicenseHoldings(license, shown, at, Truncated: true);
    }
}
