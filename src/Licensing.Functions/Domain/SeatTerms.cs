namespace Licensing.Domain;

/// <summary>The seat terms beyond the limit: overage seats, and how often a node-locked seat may move.</summary>
public static class SeatTerms
{
    /// <summary>The largest <c>maxTransfers</c> a license or policy may name (0 means unlimited).</summary>
    public const int MaxTransfers = 1000;

    /// <summary>Why <paramref name="overageSeats"/> cannot go with <paramref name="maxClientCount"/>; null when it can.</summary>
    public static string? OverageProblem(int maxClientCount, int overageSeats) =>
        overageSeats > maxClientCount ? $"overageSeats ({overageSeats}) must be at most maxClientCount ({maxClientCount})." : null;

    /// <summary>A seat granted while the license already holds its limit of plain seats (counted after the grant).</summary>
    public static bool IsOverage(int liveSeatsAfterGrant, int maxClientCount) => liveSeatsAfterGrant > maxClientCount;
}
