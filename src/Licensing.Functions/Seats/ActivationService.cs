using Licensing.Audit;
using Licensing.Auth;
using Licensing.Domain;
using Licensing.Settings;
using Licensing.Signing;
using Licensing.Storage;
using Microsoft.Extensions.Options;

namespace Licensing.Seats;

/// <summary>Node-locked activations (mode 1): one seat per machine, kept until deactivated.</summary>
public sealed class ActivationService(
    SeatStore store,
    SeatGroupCommit groupCommit,
    ExpiryIndex expiryIndex,
    LicenseCredentials credentials,
    TimeProvider clock,
    IOptions<LicensingOptions> options)
{
    /// <summary>
    /// Storage: read (1) + transaction (2); an already activated machine costs the read only, a refusal (a full
    /// license, or the transfer limit reached) the read and one more read of the machine's seat.
    /// </summary>
    public Task<SeatDecision> ActivateAsync(Caller caller, ClientCall call, CancellationToken ct)
    {
        var licenseId = TableKeys.LicenseId(call.UserKey);
        var seatRow = TableKeys.ActivationRow(call.MachineId);
        return groupCommit.DecideAsync(licenseId, seatRow, async (seats, ct) =>
        {
            var read = await seats.ReadAsync(licenseId, seatRow, ct).ConfigureAwait(false);
            var now = clock.GetUtcNow();
            var license = caller.Visible(read.License);
            if (LicenseRules.Deny(license, now, LicensingMode.Activation) is { } reason)
            {
                return SeatDecision.Denied(reason, license, license?.LiveSeats ?? 0);
            }

            var seat = read.Seat(seatRow);
            if (seat is not null && seat.State == SeatState.Live)
            {
                return Activated(license!, seat, now);
            }

            if (NewMachineDenial(license!, now) is { } denial)
            {
                // The two reads are not one snapshot: this machine's own activation may have committed between them,
                // counted in the license row but missed by the seat read. Read the seat again before refusing.
                var again = await seats.ReadSeatAgainAsync(license!, seatRow, ct).ConfigureAwait(false);
                return again is { State: SeatState.Live } ? null : SeatDecision.Denied(denial, license, license!.LiveSeats);
            }

            var activation = new SeatRow
            {
                LicenseId = licenseId,
                RowKey = seatRow,
                TokenId = TokenIds.NewActivation(),
                MachineId = call.MachineId,
                ClientId = call.ClientId,
                ClientName = call.ClientName,
                ClientAddr = call.ClientAddr,
                IssuedAt = now,
                ExpireAt = LicenseRules.ActivationTokenExpiry(now, options.Value.ActivationTokenLifetime, LicenseRules.UsableUntil(license!)),
                LastHeartbeat = now,
                ETag = seat?.ETag ?? default,
            };
            license!.LiveSeats++;
            activation.Overage = SeatTerms.IsOverage(license.LiveSeats, license.MaxClientCount);
            var activated = AuditEvents.Seat(AuditEventTypes.SeatActivated, license, activation, now, caller);
            return await seats.CommitAsync(license, [new SeatWrite(activation, IsNew: seat is null)], [activated], ct).ConfigureAwait(false)
                ? Activated(license, activation, now)
                : null;
        }, ct);
    }

    /// <summary>Storage: read (1) + purge hint (2) + transaction (3).</summary>
    public Task<Outcome<SeatCount>> DeactivateAsync(Caller caller, ClientCall call, CancellationToken ct)
    {
        var licenseId = TableKeys.LicenseId(call.UserKey);
        var seatRow = TableKeys.ActivationRow(call.MachineId);
        return Contention.RetryAsync<Outcome<SeatCount>>(async () =>
        {
            var read = await store.ReadAsync(licenseId, [seatRow], ct).ConfigureAwait(false);
            var now = clock.GetUtcNow();
            var license = caller.Visible(read.License);
            if (license is null)
            {
                return new Refusal(Reasons.LicenseNotFound, "No license matches this user key.");
            }

            if (license.Mode != LicensingMode.Activation)
            {
                return new Refusal(Reasons.WrongLicensingMode, "Deactivate applies to activation licenses (licensingMode 1).");
            }

            var seat = read.Seat(seatRow);
            if (seat is null || seat.State != SeatState.Live)
            {
                return SeatCount.Of(license);
            }

            // The purge hint for this activation; a retry after a lost race writes it again (a create that may find it there).
            await expiryIndex.AddAsync(new ExpiryEntry(now + options.Value.TokenRetention, licenseId, seatRow, seat.TokenId), ct).ConfigureAwait(false);

            // Every deactivation is a move of the seat, counted on the license row in the same transaction.
            license.RecentDeactivations = TransferWindow.Record(license.RecentDeactivations, now, license.MaxTransfers);
            var deactivated = SeatEndings.End(license, seat, SeatState.Deactivated, AuditEventTypes.SeatDeactivated, now, caller);
            return await store.CommitAsync(license, [new SeatWrite(seat, IsNew: false)], [deactivated], ct).ConfigureAwait(false)
                ? SeatCount.Of(license)
                : null;
        }, ct);
    }

    /// <summary>
    /// Why a machine not active yet may not be: the license holds its limit plus its overage, or (checked second) its
    /// seats moved more often in the last 30 days than <c>maxTransfers</c> allows.
    /// </summary>
    private static string? NewMachineDenial(LicenseRow license, DateTimeOffset now) =>
        license.LiveSeats >= license.SeatLimit ? Reasons.SeatsExhausted
        : TransferWindow.LimitReached(license.RecentDeactivations, now, license.MaxTransfers) ? Reasons.TransferLimitReached
        : null;

    private SeatDecision Activated(LicenseRow license, SeatRow seat, DateTimeOffset now)
    {
        // An activation granted before the license's expiry was brought forward answers (and signs) the license's.
        seat.ExpireAt = LicenseRules.StatedTokenExpiry(seat.ExpireAt, LicenseRules.UsableUntil(license));
        return SeatGrants.Granted(credentials, license, seat, now);
    }
}
