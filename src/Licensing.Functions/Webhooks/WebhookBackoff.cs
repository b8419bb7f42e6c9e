namespace Licensing.Webhooks;

/// <summary>
/// When a failed delivery is tried again: exponential from 30 s, at most 2 h apart, with ±25 % jitter from an
/// injected source of randomness (tests pass a seeded one), for at least <see cref="RetryWindow"/>.
/// </summary>
public sealed class WebhookBackoff(Random random)
{
    public static readonly TimeSpan RetryWindow = TimeSpan.FromHours(72);
    private static readonly TimeSpan First = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Longest = TimeSpan.FromHours(2);

    /// <summary>The wait after the failed attempt number <paramref name="attempt"/> (1 for the first).</summary>
    public TimeSpan After(int attempt)
    {
        var exponential = First * Math.Pow(2, Math.Min(attempt - 1, 20));
        var capped = exponential < Longest ? exponential : Longest;
        return capped * (0.75 + (random.NextDouble() * 0.5));
    }
}
