namespace Licensing.Seats;

/// <summary>borrow: a live lease's token, for a machine that will work offline, is good for longer without heartbeats.</summary>
public sealed record BorrowCall(ClientCall Call, TimeSpan BorrowFor)
{
    /// <summary>The longest a client may ask for; more than the license allows is capped, not refused.</summary>
    public static readonly TimeSpan MaxBorrowFor = TimeSpan.FromDays(36_500);
}

/// <summary>borrow: the lease borrowed until <see cref="Token"/>'s expiry, or the reason it is not.</summary>
public sealed record LeaseBorrow(string? DeniedReason, int ActiveClientCount, int MaxClientCount, IssuedToken? Token = null)
{
    public static LeaseBorrow Denied(string reason, LicenseRow? license) => new(reason, license?.LiveSeats ?? 0, license?.MaxClientCount ?? 0);
}

/// <summary>
/// Borrowing a floating seat (mode 2): the lease's expiry moves to now + min(borrowFor, maxBorrowDuration), never past
/// the license's end (grace included), in one transaction under the license row's ETag with its <c>seat.borrowed</c>
/// event. The expiry only moves later, so the license's <see cref="LicenseRow.NoLapseBefore"/> stays a lower bound.
/// </summary>
public sealed class BorrowService(SeatGroupCommit groupCommit, LicenseCredentials credentials, TimeProvider clock)
{
    /// <summary>Storage: read (2: the license and the lease rows) + expiry hint (1) + transaction (1).</summary>
    public Task<LeaseBorrow> BorrowAsync(Caller caller, BorrowCall borrow, CancellationToken ct)
    {
        var call = borrow.Call;
        var claims = credentials.ReadToken(call.LicenseToken);
        if (claims is null)
        {
            return Task.FromResult(LeaseBorrow.Denied(Reasons.InvalidToken, null));
        }

        var hintedAt = (DateTimeOffset?)null;
        return groupCommit.DecideAsync<LeaseBorrow>(claims.LicenseId, claims.SeatRow, async (seats, ct) =>
        {
            var (license, lease, now, reason) = await LeaseService.ReadLiveLeaseAsync(
                seats.ReadAsync(claims.LicenseId, claims.SeatRow, ct), caller, claims, call, clock).ConfigureAwait(false);
            if (reason is not null)
            {
                return LeaseBorrow.Denied(reason, license);
            }

            if (license!.MaxBorrowDuration <= TimeSpan.Zero)
            {
                return LeaseBorrow.Denied(Reasons.BorrowNotAllowed, license);
            }

            var borrowedUntil = LicenseRules.BorrowExpiry(now, borrow.BorrowFor, license.MaxBorrowDuration, LicenseRules.UsableUntil(license));
            if (borrowedUntil > lease!.ExpireAt && hintedAt != borrowedUntil)
            {
                await seats.AddExpiryHintAsync(new ExpiryEntry(borrowedUntil, lease.LicenseId, lease.RowKey, lease.TokenId), ct).ConfigureAwait(false);
                hintedAt = borrowedUntil;
            }

            // A borrow shorter than the lease's current expiry keeps that expiry: it never shortens a lease.
            lease.ExpireAt = borrowedUntil > lease.ExpireAt ? borrowedUntil : lease.ExpireAt;
            lease.BorrowedUntil = lease.ExpireAt;
            lease.LastHeartbeat = now;
            lease.ClientAddr = call.ClientAddr;
            var borrowed = AuditEvents.Seat(AuditEventTypes.SeatBorrowed, license, lease, now, caller);
            return await seats.CommitAsync(license, [new SeatWrite(lease, IsNew: false)], [borrowed], ct).ConfigureAwait(false)
                ? new LeaseBorrow(null, license.LiveSeats, license.MaxClientCount, credentials.IssueToken(lease, license, now))
                : null;
        }, ct);
    }
}
