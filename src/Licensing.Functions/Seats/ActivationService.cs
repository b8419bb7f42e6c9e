using Licensing.Audit;
using Licensing.Domain;
using Licensing.Http;
using Licensing.Settings;
using Licensing.Signing;
using Licensing.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Licensing.Seats;

/// <summary>Node-locked activations (mode 1): one seat per machine, kept until deactivated.</summary>
public sealed class ActivationService(
    SeatStore store,
    ExpiryIndex expiryIndex,
    LicenseCredentials credentials,
    TimeProvider clock,
    IOptions<LicensingOptions> options)
{
    /// <summary>Storage: read (1) + transaction (2); an already activated machine costs the read only.</summary>
    public async Task<IActionResult> ActivateAsync(Caller caller, ClientCall call, CancellationToken ct)
    {
        var licenseId = TableKeys.LicenseId(call.UserKey);
        var seatRow = TableKeys.ActivationRow(call.MachineId);
        for (var attempt = 0; attempt < Contention.MaxAttempts; attempt++)
        {
            var read = await store.ReadAsync(licenseId, [seatRow], ct).ConfigureAwait(false);
            var now = clock.GetUtcNow();
            var license = caller.Visible(read.License);
            if (LicenseRules.Deny(license, now, LicensingMode.Activation) is { } reason)
            {
                return Denied(reason, license);
            }

            var seat = read.Seat(seatRow);
            if (seat is not null && seat.State == SeatState.Live)
            {
                return Activated(license!, seat, now);
            }

            if (license!.LiveSeats >= license.MaxClientCount)
            {
                return Denied(Reasons.SeatsExhausted, license);
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
                ExpireAt = LicenseRules.ActivationTokenExpiry(now, options.Value.ActivationTokenLifetime, license.ExpireAt),
                LastHeartbeat = now,
                ETag = seat?.ETag ?? default,
            };
            license.LiveSeats++;
            var activated = AuditEvents.Seat(AuditEventTypes.SeatActivated, license, activation, now, caller);
            if (await store.CommitAsync(license, [new SeatWrite(activation, IsNew: seat is null)], [activated], ct).ConfigureAwait(false))
            {
                return Activated(license, activation, now);
            }

            await Contention.PauseAsync(attempt, ct).ConfigureAwait(false);
        }

        return Problems.Unavailable();
    }

    /// <summary>Storage: read (1) + purge hint (2) + transaction (3).</summary>
    public async Task<IActionResult> DeactivateAsync(Caller caller, ClientCall call, CancellationToken ct)
    {
        var licenseId = TableKeys.LicenseId(call.UserKey);
        var seatRow = TableKeys.ActivationRow(call.MachineId);
        for (var attempt = 0; attempt < Contention.MaxAttempts; attempt++)
        {
            var read = await store.ReadAsync(licenseId, [seatRow], ct).ConfigureAwait(false);
            var now = clock.GetUtcNow();
            var license = caller.Visible(read.License);
            if (license is null)
            {
                return Problems.Reason(404, Reasons.LicenseNotFound, "No license matches this user key.");
            }

            if (license.Mode != LicensingMode.Activation)
            {
                return Problems.Reason(409, Reasons.WrongLicensingMode, "Deactivate applies to activation licenses (licensingMode 1).");
            }

            var seat = read.Seat(seatRow);
            if (seat is null || seat.State != SeatState.Live)
            {
                return Counts(license);
            }

            // The purge hint for this activation; a retry after a lost race writes it again (a create that may find it there).
            await expiryIndex.AddAsync(new ExpiryEntry(now + options.Value.TokenRetention, licenseId, seatRow, seat.TokenId), ct).ConfigureAwait(false);

            seat.End(SeatState.Deactivated, now);
            license.LiveSeats--;
            var deactivated = AuditEvents.Seat(AuditEventTypes.SeatDeactivated, license, seat, now, caller);
            if (await store.CommitAsync(license, [new SeatWrite(seat, IsNew: false)], [deactivated], ct).ConfigureAwait(false))
            {
                return Counts(license);
            }

            await Contention.PauseAsync(attempt, ct).ConfigureAwait(false);
        }

        return Problems.Unavailable();
    }

    private ApiResult Activated(LicenseRow license, SeatRow seat, DateTimeOffset now)
    {
        // An activation granted before the license's expiry was brought forward answers (and signs) the license's.
        seat.ExpireAt = LicenseRules.StatedTokenExpiry(seat.ExpireAt, license.ExpireAt);
        return ApiResult.Ok(
            new ActivateLicenseResponse(
                Success: true,
                credentials.IssueToken(seat, now),
                Timestamp.From(seat.ExpireAt),
                license.LiveSeats,
                license.MaxClientCount,
                credentials.Summary(license, now)),
            ApiJson.Wire.ActivateLicenseResponse);
    }

    internal static ApiResult Denied(string reason, LicenseRow? license) => ApiResult.Ok(
        new ActivateLicenseResponse(
            Success: false,
            LicenseToken: null,
            TokenExpireAt: null,
            license?.LiveSeats ?? 0,
            license?.MaxClientCount ?? 0,
            License: null,
            reason,
            Reasons.Message(reason)),
        ApiJson.Wire.ActivateLicenseResponse);

    internal static ApiResult Counts(LicenseRow license) =>
        ApiResult.Ok(new SeatCountResponse(license.LicenseId, license.LiveSeats, license.MaxClientCount), ApiJson.Wire.SeatCountResponse);
}
