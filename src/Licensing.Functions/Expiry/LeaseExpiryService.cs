namespace Licensing.Expiry;

/// <summary>
/// Bookkeeping behind the timer: reads only the expiry-index entries that came due since its checkpoint and,
/// for each, ends a lapsed lease (with the license's counter, in one transaction), moves the entry on when the
/// seat lives on, or purges a seat ended longer ago than the retention. Idempotent: running twice, late or
/// concurrently finds either nothing or the same rows already in their final state.
/// </summary>
public sealed class LeaseExpiryService(SeatStore store, ExpiryIndex index, TimeProvider clock, IOptions<LicensingOptions> options)
{
    /// <summary>The default of <see cref="LicensingOptions.ExpiryMaxEntriesPerRun"/>: the most entries one run handles.</summary>
    public const int MaxEntriesPerRun = 5_000;

    /// <summary>Where a new deployment's first run starts looking.</summary>
    private static readonly TimeSpan FirstLookBack = TimeSpan.FromHours(2);

    public async Task<ExpiryRun> RunAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var currentHour = TableKeys.ExpiryPartitionStart(TableKeys.ExpiryPartition(now));
        var (checkpoint, etag) = await index.ReadCheckpointAsync(ct).ConfigureAwait(false);
        var hour = checkpoint ?? TableKeys.ExpiryPartitionStart(TableKeys.ExpiryPartition(now - FirstLookBack));
        var maxEntries = options.Value.ExpiryMaxEntriesPerRun;
        var tally = new Tally();
        var nextCheckpoint = hour;
        var complete = true;
        for (; hour <= currentHour; hour = hour.AddHours(1))
        {
            var budget = maxEntries - tally.Examined;
            if (budget <= 0)
            {
                complete = false;
                break;
            }

            var upper = hour < currentHour ? TableKeys.ExpiryRowsEnd : TableKeys.ExpiryRowUpperBound(now);
            var due = await index.ReadDueAsync(TableKeys.ExpiryPartition(hour), upper, budget, ct).ConfigureAwait(false);
            foreach (var entry in due)
            {
                await HandleAsync(entry, now, tally, ct).ConfigureAwait(false);
            }

            if (due.Count >= budget)
            {
                complete = false;
                break;
            }

            if (hour < currentHour)
            {
                nextCheckpoint = hour.AddHours(1);
            }
        }

        if (checkpoint is null || nextCheckpoint > checkpoint)
        {
            await index.WriteCheckpointAsync(nextCheckpoint, etag, ct).ConfigureAwait(false);
        }

        return new ExpiryRun(tally.Examined, tally.Lapsed, tally.Moved, tally.Purged, tally.Stale, complete);
    }

    /// <summary>One due entry: a lease that lives on is followed, a lapsed one ended, an ended one purged or its hint moved.</summary>
    private async Task HandleAsync(ExpiryEntry entry, DateTimeOffset now, Tally tally, CancellationToken ct)
    {
        tally.Examined++;
        await Contention.RetryAsync(async () =>
        {
            var read = await store.ReadAsync(entry.LicenseId, [entry.SeatRow], ct).ConfigureAwait(false);
            var seat = read.Seat(entry.SeatRow);
            if (seat is null || seat.TokenId != entry.TokenId)
            {
                tally.Stale++;
                await index.DeleteAsync(entry, ct).ConfigureAwait(false);
                return Done.Instance;
            }

            if (seat.State == SeatState.Live)
            {
                if (LicenseRules.HoldsSeat(seat, now))
                {
                    // Heartbeats moved the expiry on without touching the index: follow it now, lazily.
                    if (seat.IsLease)
                    {
                        tally.Moved++;
                        await index.MoveAsync(entry, seat.ExpireAt, ct).ConfigureAwait(false);
                    }
                    else
                    {
                        tally.Stale++;
                        await index.DeleteAsync(entry, ct).ConfigureAwait(false);
                    }

                    return Done.Instance;
                }

                if (read.License is not { } license)
                {
                    await PurgeAsync(entry, seat, tally, ct).ConfigureAwait(false);
                    return Done.Instance;
                }

                seat.End(SeatState.Expired, seat.ExpireAt);
                license.LiveSeats--;
                if (!await store.CommitAsync(license, [new SeatWrite(seat, IsNew: false)], [AuditEvents.Lapsed(license, seat, now)], ct).ConfigureAwait(false))
                {
                    return null;
                }

                tally.Lapsed++;
                if (seat.EndedAt + options.Value.TokenRetention <= now)
                {
                    // Due for purging in this same run, but the commit gave the row a new ETag: read it again first.
                    return null;
                }
            }

            var purgeAt = (seat.EndedAt ?? now) + options.Value.TokenRetention;
            if (purgeAt <= now || read.License is null)
            {
                await PurgeAsync(entry, seat, tally, ct).ConfigureAwait(false);
            }
            else
            {
                await index.MoveAsync(entry, purgeAt, ct).ConfigureAwait(false);
            }

            return Done.Instance;
        }, ct).ConfigureAwait(false);
    }

    private async Task PurgeAsync(ExpiryEntry entry, SeatRow seat, Tally tally, CancellationToken ct)
    {
        if (await store.DeleteSeatAsync(seat, ct).ConfigureAwait(false))
        {
            tally.Purged++;
        }

        await index.DeleteAsync(entry, ct).ConfigureAwait(false);
    }

    private sealed class Tally
    {
        public int Examined { get; set; }
        public int Lapsed { get; set; }
        public int Moved { get; set; }
        public int Purged { get; set; }
        public int Stale { get; set; }
    }
}
