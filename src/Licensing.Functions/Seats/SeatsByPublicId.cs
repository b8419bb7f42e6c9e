namespace Licensing.Seats;

/// <summary>How a seat named by its public id ends.</summary>
public enum SeatEnding
{
    /// <summary>An admin kicks the client: the seat is revoked.</summary>
    Revoke,

    /// <summary>
    /// The license's owner frees a lost machine's seat from the portal: a deactivation (mode 1), which is a move counted
    /// against <c>maxTransfers</c> and refused when none is left, or a release (mode 2).
    /// </summary>
    Free,
}

/// <summary>
/// Ends one live seat named by the public id that info and the admin view show (never its bearer token): the admin's
/// revoke and the portal's "free this seat" alike. A seat of another license is, to the caller, no seat at all.
/// </summary>
public sealed class SeatsByPublicId(SeatStore seats, ExpiryIndex expiryIndex, TimeProvider clock, IOptions<LicensingOptions> options)
{
    /// <summary>
    /// Storage: the license's rows (1), the purge hint (2), the transaction (3); a seat already ended costs the read only.
    /// The license and its seats after the change (an ended seat: unchanged).
    /// </summary>
    public Task<Outcome<LicenseHoldings>> EndAsync(Caller caller, string licenseId, string publicId, SeatEnding how, CancellationToken ct) =>
        Contention.RetryAsync<Outcome<LicenseHoldings>>(async () =>
        {
            var (stored, held, meters) = await seats.ReadAllWithMetersAsync(licenseId, ct).ConfigureAwait(false);
            if (caller.Visible(stored) is not { } license)
            {
                return new Refusal(Reasons.LicenseNotFound, $"No license '{licenseId}'.");
            }

            var target = held.FirstOrDefault(s => s.TokenId == publicId);
            if (target is null)
            {
                return new Refusal(Reasons.TokenNotFound, $"License '{licenseId}' has no token '{publicId}'.");
            }

            var now = clock.GetUtcNow();
            if (target.State != SeatState.Live)
            {
                return ShownSeats.Of(license, held, now) with { Meters = meters };
            }

            var (state, eventType) = (how, license.Mode) switch
            {
                (SeatEnding.Revoke, _) => (SeatState.Revoked, AuditEventTypes.SeatRevoked),
                (_, LicensingMode.Activation) => (SeatState.Deactivated, AuditEventTypes.SeatDeactivated),
                _ => (SeatState.Released, AuditEventTypes.SeatReleased),
            };
            if (state == SeatState.Deactivated)
            {
                // The owner's deactivation is a move: refused once none is left, else counted in the same transaction.
                if (TransferWindow.NextMoveAt(license.RecentDeactivations, now, license.MaxTransfers) is { } nextMoveAt)
                {
                    return new Refusal(Reasons.TransferLimitReached, TransferWindow.NoMovesLeft(license.MaxTransfers, nextMoveAt));
                }

                license.RecentDeactivations = TransferWindow.Record(license.RecentDeactivations, now, license.MaxTransfers);
            }

            await expiryIndex.AddAsync(new ExpiryEntry(now + options.Value.TokenRetention, licenseId, target.RowKey, target.TokenId), ct).ConfigureAwait(false);
            var ended = SeatEndings.End(license, target, state, eventType, now, caller);
            return await seats.CommitAsync(license, [new SeatWrite(target, IsNew: false)], [ended], ct).ConfigureAwait(false)
                ? ShownSeats.Of(license, held, now) with { Meters = meters }
                : null;
        }, ct);
}
