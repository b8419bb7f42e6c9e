namespace Licensing.Storage;

/// <summary>Too many lost races in a row: the call answers 503 and the client tries again.</summary>
public sealed class ContentionException() : Exception("The change lost every race for its rows; try again shortly.");

/// <summary>
/// The optimistic retry of every read-decide-write: an attempt reads fresh rows, decides, and writes under the ETags it
/// read. When another writer won the race (the write returned false), it re-reads and decides again after a short
/// pause. The pause grows by 5 ms per attempt up to 100 ms and is drawn at random below that ceiling, so writers that
/// collided spread out instead of colliding again in step. Forty attempts ride out a burst of hundreds of concurrent
/// writers on one license (the seat-race tests) while bounding a hopeless call to a few seconds.
/// </summary>
public static class Contention
{
    public const int MaxAttempts = 40;

    /// <summary>
    /// Runs <paramref name="attempt"/> until it returns an outcome; null means it lost a race and must run again.
    /// </summary>
    /// <exception cref="ContentionException">Every attempt lost its race.</exception>
    public static async Task<T> RetryAsync<T>(Func<Task<T?>> attempt, CancellationToken ct)
        where T : class
    {
        for (var i = 0; i < MaxAttempts; i++)
        {
            if (await attempt().ConfigureAwait(false) is { } outcome)
            {
                return outcome;
            }

            await Task.Delay(Random.Shared.Next(1, Math.Min(100, 5 * (i + 1))), ct).ConfigureAwait(false);
        }

        throw new ContentionException();
    }
}
