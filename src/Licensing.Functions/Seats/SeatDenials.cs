namespace Licensing.Seats;

/// <summary>
/// Seats refused for want of a place (<c>seats_exhausted</c>), counted per license and UTC hour in this instance and
/// written now and then, never once per refusal: a license's count is written at a refusal that comes
/// <see cref="FlushEvery"/> after its last write, an hour's count when the license is next refused in a later hour, and
/// every count when the instance stops. Each instance writes only its own row, so none overwrites another's. Counts not
/// yet written when an instance dies are lost: usage's denials are best effort, as the contract allows.
/// </summary>
public sealed class SeatDenials(UsageStore store, TimeProvider clock) : IHostedService
{
    public static readonly TimeSpan FlushEvery = TimeSpan.FromMinutes(1);

    private readonly string _instanceId = Base32.Random(10);
    private readonly ConcurrentDictionary<(string LicenseId, DateTimeOffset Hour), Tally> _tallies = new();

    /// <summary>Counts the decision when it is a refusal for want of a seat; writes what is due.</summary>
    public async Task<SeatDecision> NoteAsync(string userKey, SeatDecision decision, CancellationToken ct)
    {
        if (decision.DeniedReason != Reasons.SeatsExhausted)
        {
            return decision;
        }

        var licenseId = TableKeys.LicenseId(userKey);
        var now = clock.GetUtcNow();
        var hour = SeatUsage.HourOf(now);
        var tally = _tallies.GetOrAdd((licenseId, hour), _ => new Tally(now));
        tally.Add();
        foreach (var (key, due) in _tallies.Where(t => t.Key.LicenseId == licenseId))
        {
            if (key.Hour < hour || now - due.LastWrite >= FlushEvery)
            {
                await WriteAsync(key, due, now, ct).ConfigureAwait(false);
            }
        }

        return decision;
    }

    /// <summary>This instance's counts of the license not yet written, by hour (a reader adds them to the stored ones).</summary>
    public IReadOnlyDictionary<DateTimeOffset, long> Unwritten(string licenseId) =>
        _tallies.Where(t => t.Key.LicenseId == licenseId && t.Value.Unwritten > 0).ToDictionary(t => t.Key.Hour, t => t.Value.Unwritten);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Writes every count not yet written, as the instance stops.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        foreach (var (key, tally) in _tallies.ToArray())
        {
            await WriteAsync(key, tally, now, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task WriteAsync((string LicenseId, DateTimeOffset Hour) key, Tally tally, DateTimeOffset now, CancellationToken ct)
    {
        if (!tally.TryBeginWrite())
        {
            return; // another call is writing it
        }

        try
        {
            var count = tally.Count;
            if (count != tally.Written)
            {
                await store.WriteDenialsAsync(key.LicenseId, key.Hour, _instanceId, count, ct).ConfigureAwait(false);
                tally.Wrote(count, now);
            }

            // Only the current hour's tally is still counted into, so an earlier hour's, once written, is done.
            if (key.Hour < SeatUsage.HourOf(now) && tally.Unwritten == 0)
            {
                _tallies.TryRemove(new KeyValuePair<(string, DateTimeOffset), Tally>(key, tally));
            }
        }
        catch (RequestFailedException)
        {
            // Best effort: the count stays unwritten and goes with the next write.
        }
        catch (OperationCanceledException)
        {
            // The caller went away or the instance is stopping: the same.
        }
        finally
        {
            tally.EndWrite();
        }
    }

    private sealed class Tally(DateTimeOffset firstAt)
    {
        private long _count;
        private long _written;
        private long _lastWriteTicks = firstAt.UtcTicks;
        private int _writing;

        public long Count => Interlocked.Read(ref _count);

        public long Written => Interlocked.Read(ref _written);

        public long Unwritten => Count - Written;

        public DateTimeOffset LastWrite => new(Interlocked.Read(ref _lastWriteTicks), TimeSpan.Zero);

        public void Add() => Interlocked.Increment(ref _count);

        /// <summary>One write at a time, so an older count never lands after a newer one.</summary>
        public bool TryBeginWrite() => Interlocked.CompareExchange(ref _writing, 1, 0) == 0;

        public void EndWrite() => Interlocked.Exchange(ref _writing, 0);

        public void Wrote(long count, DateTimeOffset at)
        {
            Interlocked.Exchange(ref _written, count);
            Interlocked.Exchange(ref _lastWriteTicks, at.UtcTicks);
        }
    }
}
