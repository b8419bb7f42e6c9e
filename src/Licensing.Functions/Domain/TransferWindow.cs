namespace Licensing.Domain;

/// <summary>
/// The deactivations of a node-locked license over the rolling <see cref="Length"/>, as kept on its license row: a
/// compact string of UTC ticks, oldest first, separated by commas. Each deactivation's transaction writes it, trimmed to
/// the window and to <c>maxTransfers + 1</c> entries (enough to tell that the limit is exceeded); an unlimited
/// license (<c>maxTransfers</c> 0) keeps none.
/// </summary>
public static class TransferWindow
{
    public static readonly TimeSpan Length = TimeSpan.FromDays(30);

    /// <summary>The list with a deactivation at <paramref name="now"/> added and trimmed.</summary>
    public static string Record(string recent, DateTimeOffset now, int maxTransfers)
    {
        if (maxTransfers <= 0)
        {
            return "";
        }

        var kept = Within(recent, now).Append(now.UtcTicks).TakeLast(maxTransfers + 1);
        return string.Join(',', kept.Select(t => t.ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>How many deactivations the list holds within the window ending at <paramref name="now"/>.</summary>
    public static int Count(string recent, DateTimeOffset now) => Within(recent, now).Count();

    /// <summary>Once the window's deactivations exceed <paramref name="maxTransfers"/>, a new machine may not be activated.</summary>
    public static bool LimitReached(string recent, DateTimeOffset now, int maxTransfers) =>
        maxTransfers > 0 && Count(recent, now) > maxTransfers;

    /// <summary>How many more moves the window allows now; null when the license allows any number.</summary>
    public static int? MovesLeft(string recent, DateTimeOffset now, int maxTransfers) =>
        maxTransfers <= 0 ? null : Math.Max(0, maxTransfers - Count(recent, now));

    /// <summary>
    /// When no move is left: the time one is again, when the oldest deactivation that keeps the count at the limit
    /// leaves the window. Null while moves are left (or unlimited).
    /// </summary>
    public static DateTimeOffset? NextMoveAt(string recent, DateTimeOffset now, int maxTransfers)
    {
        if (MovesLeft(recent, now, maxTransfers) is not 0)
        {
            return null;
        }

        var within = Within(recent, now).ToArray();
        return new DateTimeOffset(within[within.Length - maxTransfers], TimeSpan.Zero) + Length;
    }

    /// <summary>The sentence that refuses a move when none is left, e.g. "This license allows 3 moves in 30 days; 0 are left until 12 January."</summary>
    public static string NoMovesLeft(int maxTransfers, DateTimeOffset nextMoveAt) => string.Create(
        CultureInfo.InvariantCulture,
        $"This license allows {maxTransfers} {(maxTransfers == 1 ? "move" : "moves")} in {Length.TotalDays:0} days; 0 are left until {nextMoveAt.UtcDateTime:d MMMM}.");

    private static IEnumerable<long> Within(string recent, DateTimeOffset now)
    {
        var since = (now - Length).UtcTicks;
        foreach (var part in recent.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && ticks > since)
            {
                yield return ticks;
            }
        }
    }
}
