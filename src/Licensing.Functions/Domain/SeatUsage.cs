namespace Licensing.Domain;

/// <summary>
/// A license's seats in one UTC hour: the most live at once, how many were granted, and how many were live when the
/// hour's first change began and after its last. Kept by every seat change (<see cref="After"/>), so an hour nobody
/// changed a seat in held <see cref="EndSeats"/> of the hour before it throughout.
/// </summary>
public sealed record SeatUsage(DateTimeOffset Hour, int PeakSeats, int Grants, int StartSeats, int EndSeats)
{
    public static DateTimeOffset HourOf(DateTimeOffset at) =>
        new(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero);

    /// <summary>
    /// The tally after a change at <paramref name="at"/> that took the live seats from <paramref name="liveBefore"/> to
    /// <paramref name="liveAfter"/> and granted <paramref name="grants"/>: the same hour's tally grown, or a new hour's.
    /// A change stamped before the tally's hour (another instance's clock a little behind) counts in the tally's hour.
    /// </summary>
    public static SeatUsage After(SeatUsage? current, DateTimeOffset at, int liveBefore, int liveAfter, int grants)
    {
        var hour = HourOf(at);
        if (current is null || current.Hour < hour)
        {
            return new SeatUsage(hour, Math.Max(liveBefore, liveAfter), grants, liveBefore, liveAfter);
        }

        return current with
        {
            PeakSeats = Math.Max(current.PeakSeats, liveAfter),
            Grants = current.Grants + grants,
            EndSeats = liveAfter,
        };
    }
}
