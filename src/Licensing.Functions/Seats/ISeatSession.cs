namespace Licensing.Seats;

/// <summary>
/// Where a seat decision (request, activate) reads its rows and writes its change: straight to storage when the call is
/// alone (<see cref="StoredSeatSession"/>), or staged in the batch of its license's concurrent calls on this instance
/// (<see cref="SeatBatch"/>), which commits them together. The decision's rules are the same code either way.
/// </summary>
public interface ISeatSession
{
    /// <summary>The license row and the call's own seat row.</summary>
    Task<LicenseRead> ReadAsync(string licenseId, string seatRow, CancellationToken ct);

    /// <summary>The seat row read again from storage, beside the license already in hand.</summary>
    Task<SeatRow?> ReadSeatAgainAsync(LicenseRow license, string seatRow, CancellationToken ct);

    /// <summary>Up to <paramref name="limit"/> leases still stored live whose expiry has passed, in row-key order.</summary>
    Task<List<SeatRow>> ReadLapsedLeasesAsync(string licenseId, DateTimeOffset now, int limit, CancellationToken ct);

    /// <summary>The earliest expiry of the license's live leases as stored, or null when it has none.</summary>
    Task<DateTimeOffset?> ReadEarliestLeaseExpiryAsync(string licenseId, CancellationToken ct);

    /// <summary>Keeps <see cref="LicenseRow.NoLapseBefore"/>, just set on the license, best effort.</summary>
    Task RememberNoLapseBeforeAsync(LicenseRow license, CancellationToken ct);

    /// <summary>An expiry index entry, written before the change it hints at commits.</summary>
    Task AddExpiryHintAsync(ExpiryEntry entry, CancellationToken ct);

    /// <summary>A live seat's renewal; false when it lost a race (the decision is made again).</summary>
    Task<bool> RenewSeatAsync(LicenseRow license, SeatRow seat, CancellationToken ct);

    /// <summary>A seat change under the license row's ETag; false when it lost a race (the decision is made again).</summary>
    Task<bool> CommitAsync(LicenseRow license, IReadOnlyCollection<SeatWrite> seats, IReadOnlyCollection<AuditEventRow> events, CancellationToken ct);
}

/// <summary>A call decided alone: every read and write goes straight to storage, exactly as it costs without a batch.</summary>
public sealed class StoredSeatSession(SeatStore store, ExpiryIndex expiryIndex) : ISeatSession
{
    public Task<LicenseRead> ReadAsync(string licenseId, string seatRow, CancellationToken ct) => store.ReadAsync(licenseId, [seatRow], ct);

    public async Task<SeatRow?> ReadSeatAgainAsync(LicenseRow license, string seatRow, CancellationToken ct) =>
        (await store.ReadSeatsAsync(license, [seatRow], ct).ConfigureAwait(false)).Seat(seatRow);

    public Task<List<SeatRow>> ReadLapsedLeasesAsync(string licenseId, DateTimeOffset now, int limit, CancellationToken ct) =>
        store.ReadLapsedLeasesAsync(licenseId, now, limit, ct);

    public Task<DateTimeOffset?> ReadEarliestLeaseExpiryAsync(string licenseId, CancellationToken ct) => store.ReadEarliestLeaseExpiryAsync(licenseId, ct);

    public Task RememberNoLapseBeforeAsync(LicenseRow license, CancellationToken ct) => store.RememberNoLapseBeforeAsync(license, ct);

    public Task AddExpiryHintAsync(ExpiryEntry entry, CancellationToken ct) => expiryIndex.AddAsync(entry, ct);

    public Task<bool> RenewSeatAsync(LicenseRow license, SeatRow seat, CancellationToken ct) => store.RenewSeatAsync(seat, ct);

    public Task<bool> CommitAsync(LicenseRow license, IReadOnlyCollection<SeatWrite> seats, IReadOnlyCollection<AuditEventRow> events, CancellationToken ct) =>
        store.CommitAsync(license, seats, events, ct);
}
