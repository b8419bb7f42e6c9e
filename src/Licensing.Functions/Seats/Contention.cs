namespace Licensing.Seats;

/// <summary>How a call that lost an ETag race tries again: re-read, decide again, after a short jittered pause.</summary>
public static class Contention
{
    public const int MaxAttempts = 40;

    public static Task PauseAsync(int attempt, CancellationToken ct)
    {
        var ceiling = Math.Min(100, 5 * (attempt + 1));
        return Task.Delay(Random.Shared.Next(1, ceiling), ct);
    }
}
