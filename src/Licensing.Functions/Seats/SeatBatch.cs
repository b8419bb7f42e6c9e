namespace Licensing.Seats;

/// <summary>
/// One round of a license's concurrent seat calls on this instance (<see cref="SeatGroupCommit"/>): the license row and every
/// member's seat row read once, together; each member decided in arrival order against the license as the members
/// before it left it, its change staged; then all staged changes committed in order (<see cref="SeatStore.CommitStagedAsync"/>).
/// A member is answered only once every change staged up to its decision has committed, so its answer is the one it
/// would have had alone, decided right after the members before it.
/// </summary>
public sealed class SeatBatch : ISeatSession
{
    /// <summary>Lapsed leases read at most once per round, for every member that needs a place.</summary>
    private const int LapsedPoolSize = 1000;

    private readonly SeatStore _store;
    private readonly ExpiryIndex _expiryIndex;
    private readonly LicenseRead _read;
    private readonly HashSet<string> _written = new(StringComparer.Ordinal);
    private readonly List<StagedSeatChange> _staged = [];
    private readonly List<ExpiryEntry> _hints = [];
    private List<SeatRow>? _lapsed;
    private bool _noLapseBeforeChanged;

    private SeatBatch(SeatStore store, ExpiryIndex expiryIndex, LicenseRead read)
    {
        _store = store;
        _expiryIndex = expiryIndex;
        _read = read;
    }

    /// <summary>The license row and the members' seat rows by point reads in parallel (one round trip).</summary>
    public static async Task<SeatBatch> ReadAsync(SeatStore store, ExpiryIndex expiryIndex, string licenseId, IReadOnlyCollection<string> seatRows, CancellationToken ct) =>
        new(store, expiryIndex, await store.ReadAsync(licenseId, seatRows, ct).ConfigureAwait(false));

    /// <summary>How many changes are staged so far: a member decided now is answered once that many have committed.</summary>
    public int Staged => _staged.Count;

    /// <summary>
    /// Whether a member on this seat row must wait for the next round: an earlier member of this one wrote the row, so
    /// what was read of it is no longer what the member would read.
    /// </summary>
    public bool Wrote(string seatRow) => _written.Contains(seatRow);

    public Task<LicenseRead> ReadAsync(string licenseId, string seatRow, CancellationToken ct)
    {
        var seats = _read.Seat(seatRow) is { } seat ? new Dictionary<string, SeatRow>(StringComparer.Ordinal) { [seatRow] = seat } : [];
        return Task.FromResult(new LicenseRead(_read.License, seats));
    }

    public async Task<SeatRow?> ReadSeatAgainAsync(LicenseRow license, string seatRow, CancellationToken ct) =>
        (await _store.ReadSeatsAsync(license, [seatRow], ct).ConfigureAwait(false)).Seat(seatRow);

    /// <summary>
    /// From one read of the round's lapsed leases, those no earlier member ended. When that read was cut at its size
    /// and too few are left to answer as a fresh read would, the member waits for the next round.
    /// </summary>
    public async Task<List<SeatRow>> ReadLapsedLeasesAsync(string licenseId, DateTimeOffset now, int limit, CancellationToken ct)
    {
        _lapsed ??= await _store.ReadLapsedLeasesAsync(licenseId, now, LapsedPoolSize, ct).ConfigureAwait(false);
        var left = _lapsed.Where(s => !_written.Contains(s.RowKey) && s.ExpireAt <= now).Take(limit).ToList();
        if (left.Count < limit && _lapsed.Count == LapsedPoolSize)
        {
            throw new NextRoundException();
        }

        return left;
    }

    /// <summary>
    /// The earliest expiry of the live leases as storage holds them. Once an earlier member of the round staged a change,
    /// storage no longer shows the leases as this member would find them alone, so it waits for the next round.
    /// </summary>
    public Task<DateTimeOffset?> ReadEarliestLeaseExpiryAsync(string licenseId, CancellationToken ct) =>
        _staged.Count > 0 ? throw new NextRoundException() : _store.ReadEarliestLeaseExpiryAsync(licenseId, ct);

    /// <summary>Kept on the license in hand for the members after it, and written once the round's changes committed.</summary>
    public Task RememberNoLapseBeforeAsync(LicenseRow license, CancellationToken ct)
    {
        _noLapseBeforeChanged = true;
        return Task.CompletedTask;
    }

    public Task AddExpiryHintAsync(ExpiryEntry entry, CancellationToken ct)
    {
        _hints.Add(entry);
        return Task.CompletedTask;
    }

    public Task<bool> RenewSeatAsync(LicenseRow license, SeatRow seat, CancellationToken ct)
    {
        _written.Add(seat.RowKey);
        _staged.Add(SeatStore.StageRenewal(license, seat));
        return Task.FromResult(true);
    }

    public Task<bool> CommitAsync(LicenseRow license, IReadOnlyCollection<SeatWrite> seats, IReadOnlyCollection<AuditEventRow> events, CancellationToken ct)
    {
        _written.UnionWith(seats.Select(s => s.Row.RowKey));
        _staged.Add(SeatStore.Stage(license, seats, events));
        return Task.FromResult(true);
    }

    /// <summary>
    /// The expiry hints first, together (a committed lease always has one), then the staged changes; answers how many committed.
    /// Storage's own failures are thrown.
    /// </summary>
    public async Task<int> CommitAsync(CancellationToken ct)
    {
        await _expiryIndex.AddAllAsync(_hints, ct).ConfigureAwait(false);
        var license = _read.License;
        if (license is null)
        {
            return 0;
        }

        var committed = await _store.CommitStagedAsync(license, _staged, ct).ConfigureAwait(false);
        if (_noLapseBeforeChanged && committed == _staged.Count)
        {
            await _store.RememberNoLapseBeforeAsync(license, ct).ConfigureAwait(false);
        }

        return committed;
    }
}

/// <summary>The member cannot be decided exactly in this round; it keeps its place at the head of the next.</summary>
public sealed class NextRoundException() : Exception("The member is decided in the next round.");
