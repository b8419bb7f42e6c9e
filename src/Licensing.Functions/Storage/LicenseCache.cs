namespace Licensing.Storage;

/// <summary>
/// This instance's copy of recently read license rows, at most <see cref="LicensingOptions.LicenseCacheTtl"/> old, for
/// the calls that only read a license's terms (heartbeat, floating validate). Every fresh read and every committed
/// write of a license row on this instance refreshes it, so a change made here is seen here at once; a change made on
/// another instance is seen here once the copy ages out. A TTL of zero turns it off.
/// </summary>
/// <remarks>
/// A read that started before a change may finish after it: every change of a license row takes the next event number
/// (<see cref="LicenseRow.EventSequence"/>), so a copy never replaces a newer one of the same license (same
/// <see cref="LicenseRow.CreationId"/>), and a deleted license leaves a marker that no older copy replaces.
/// </remarks>
public sealed class LicenseCache(TimeProvider clock, IOptions<LicensingOptions> options)
{
    /// <summary>Writes between sweeps of aged-out entries, so licenses no longer called do not stay in memory.</summary>
    private const int WritesPerSweep = 4096;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private int _writesSinceSweep;

    private TimeSpan Ttl => options.Value.LicenseCacheTtl;

    /// <summary>A private copy of the license as this instance last saw it, or null when absent, deleted or older than the TTL.</summary>
    public LicenseRow? Get(string licenseId) =>
        _entries.TryGetValue(licenseId, out var entry) && IsFresh(entry) ? entry.License?.Copy() : null;

    /// <summary>Keeps a copy of a license row just read or just committed, unless this instance already knows a newer state.</summary>
    public void Put(LicenseRow license)
    {
        if (Ttl <= TimeSpan.Zero)
        {
            return;
        }

        var entry = new Entry(license.Copy(), license.CreationId, license.EventSequence, clock.GetUtcNow());
        _entries.AddOrUpdate(license.LicenseId, entry, (_, known) => IsNewer(known, entry) ? known : entry);
        SweepNowAndThen();
    }

    /// <summary>The license is gone (deleted here, or a fresh read found no row): no copy of it is answered from now on.</summary>
    public void Forget(string licenseId, string? creationId = null)
    {
        if (Ttl <= TimeSpan.Zero)
        {
            return;
        }

        _entries.AddOrUpdate(
            licenseId,
            _ => Deleted(creationId),
            (_, known) => Deleted(creationId ?? known.CreationId));
        SweepNowAndThen();
    }

    /// <summary>Whether the copy already held is of a later state of the same license than the one offered.</summary>
    private bool IsNewer(Entry known, Entry offered) =>
        IsFresh(known) && known.CreationId == offered.CreationId && (known.License is null || known.EventSequence > offered.EventSequence);

    private Entry Deleted(string? creationId) => new(License: null, creationId ?? "", long.MaxValue, clock.GetUtcNow());

    private bool IsFresh(Entry entry) => clock.GetUtcNow() - entry.ReadAt < Ttl;

    private void SweepNowAndThen()
    {
        if (Interlocked.Increment(ref _writesSinceSweep) < WritesPerSweep)
        {
            return;
        }

        Interlocked.Exchange(ref _writesSinceSweep, 0);
        foreach (var (licenseId, entry) in _entries)
        {
            if (!IsFresh(entry))
            {
                _entries.TryRemove(new KeyValuePair<string, Entry>(licenseId, entry));
            }
        }
    }

    /// <summary>A license's copy, or (License null) the marker of a deleted one.</summary>
    private sealed record Entry(LicenseRow? License, string CreationId, long EventSequence, DateTimeOffset ReadAt);
}
