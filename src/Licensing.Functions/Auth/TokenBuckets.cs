namespace Licensing.Auth;

/// <summary>
/// Token buckets by partition (an API key, an address), on the app's clock: a bucket starts full with
/// <c>capacity</c> tokens and is filled up again every <c>period</c> from its start. A bucket untouched for a whole
/// period is full, as a new one would be, so such buckets are dropped, once a period, and the set stays as small as
/// the traffic of the last period.
/// </summary>
public sealed class TokenBuckets
{
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private readonly int _capacity;
    private readonly TimeSpan _period;
    private readonly long _periodInTimestamps;
    private readonly TimeProvider _clock;
    private long _nextSweep;

    public TokenBuckets(int capacity, TimeSpan period, TimeProvider clock)
    {
        _capacity = capacity;
        _period = period;
        _clock = clock;
        _periodInTimestamps = (long)(period.Ticks * ((double)clock.TimestampFrequency / TimeSpan.TicksPerSecond));
        _nextSweep = clock.GetTimestamp() + _periodInTimestamps;
    }

    private enum Outcome
    {
        Taken,
        Empty,
        SweptAway,
    }

    /// <summary>Takes a token from the partition's bucket; when it is empty, how long until it is filled again.</summary>
    public bool TryTake(string partition, out TimeSpan retryAfter)
    {
        var now = _clock.GetTimestamp();
        SweepIfDue(now);
        while (true)
        {
            var bucket = _buckets.GetOrAdd(partition, static (_, state) => new Bucket(state._capacity, state.now), (_capacity, now));
            switch (bucket.Take(now, this, out retryAfter))
            {
                case Outcome.Taken:
                    return true;
                case Outcome.Empty:
                    return false;
            }
        }
    }

    private void SweepIfDue(long now)
    {
        var due = Interlocked.Read(ref _nextSweep);
        if (now < due || Interlocked.CompareExchange(ref _nextSweep, now + _periodInTimestamps, due) != due)
        {
            return;
        }

        foreach (var entry in _buckets)
        {
            if (entry.Value.RetireIfFull(now, this))
            {
                _buckets.TryRemove(entry);
            }
        }
    }

    /// <summary>How long since the bucket was last filled; a later start read by a call that came first counts as none.</summary>
    private TimeSpan Since(long filledAt, long now) => now > filledAt ? _clock.GetElapsedTime(filledAt, now) : TimeSpan.Zero;

    private sealed class Bucket(int tokens, long filledAt)
    {
        private readonly Lock _gate = new();
        private int _tokens = tokens;
        private long _filledAt = filledAt;
        private bool _sweptAway;

        public Outcome Take(long now, TokenBuckets owner, out TimeSpan retryAfter)
        {
            lock (_gate)
            {
                retryAfter = TimeSpan.Zero;
                if (_sweptAway)
                {
                    return Outcome.SweptAway;
                }

                var periods = owner.Since(_filledAt, now).Ticks / owner._period.Ticks;
                if (periods > 0)
                {
                    _tokens = owner._capacity;
                    _filledAt += periods * owner._periodInTimestamps;
                }

                if (_tokens > 0)
                {
                    _tokens--;
                    return Outcome.Taken;
                }

                retryAfter = owner._period - owner.Since(_filledAt, now);
                return Outcome.Empty;
            }
        }

        public bool RetireIfFull(long now, TokenBuckets owner)
        {
            lock (_gate)
            {
                _sweptAway = owner.Since(_filledAt, now) >= owner._period;
                return _sweptAway;
            }
        }
    }
}
