using System.Diagnostics;

namespace Licensing.Bench.Load;

/// <summary>When a run stops: after its duration, or after a number of operations, whichever comes first.</summary>
public sealed class RunLimit(TimeSpan duration, long? operations)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _started;

    public TimeSpan Duration { get; } = duration;

    public long? Operations { get; } = operations;

    public long Started => Math.Min(Interlocked.Read(ref _started), Operations ?? long.MaxValue);

    public TimeSpan Elapsed => _clock.Elapsed;

    public static RunLimit From(BenchOptions options) => new(options.Duration, options.Requests);

    /// <summary>Claims the next operation; false once the run is over.</summary>
    public bool TryStart()
    {
        if (_clock.Elapsed >= Duration)
        {
            return false;
        }

        var n = Interlocked.Increment(ref _started);
        return Operations is not { } max || n <= max;
    }

    /// <summary>How far the run is, as a fraction, for the progress line.</summary>
    public double Fraction => Math.Min(1, Operations is { } max
        ? Math.Max((double)Started / max, 0)
        : _clock.Elapsed / Duration);
}
