using Licensing.Domain;
using Licensing.Http;
using Licensing.Settings;
using Licensing.Signing;
using Licensing.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Licensing.Seats;

/// <summary>validate and info: is the license usable now by this caller, and what does it hold.</summary>
public sealed class ValidationService(
    SeatStore store,
    LicenseCredentials credentials,
    TimeProvider clock,
    IOptions<LicensingOptions> options)
{
    /// <summary>
    /// Storage: read (1) of the license and this caller's activation and lease rows; an activation's token is
    /// renewed with one ETag-guarded update (2). A lease is not extended here: heartbeats do that.
    /// </summary>
    public async Task<IActionResult> ValidateAsync(Caller caller, ClientCall call, CancellationToken ct)
    {
        var licenseId = TableKeys.LicenseId(call.UserKey);
        var activationRow = TableKeys.ActivationRow(call.MachineId);
        var leaseRow = TableKeys.LeaseRow(call.MachineId, call.LeaseClientId);
        for (var attempt = 0; attempt < Contention.MaxAttempts; attempt++)
        {
            var read = await store.ReadAsync(licenseId, [activationRow, leaseRow], ct).ConfigureAwait(false);
            var now = clock.GetUtcNow();
            var license = caller.Visible(read.License);
            if (LicenseRules.Deny(license, now, requiredMode: null) is { } reason)
            {
                return ActivationService.Denied(reason, license);
            }

            switch (license!.Mode)
            {
                case LicensingMode.Activation:
                    var activation = read.Seat(activationRow);
                    if (activation is null || !LicenseRules.HoldsSeat(activation, now))
                    {
                        return ActivationService.Denied(Reasons.NotActivated, license);
                    }

                    activation.ExpireAt = LicenseRules.ActivationTokenExpiry(now, options.Value.ActivationTokenLifetime, license.ExpireAt);
                    activation.LastHeartbeat = now;
                    if (!await store.RenewSeatAsync(activation, ct).ConfigureAwait(false))
                    {
                        await Contention.PauseAsync(attempt, ct).ConfigureAwait(false);
                        continue;
                    }

                    return Valid(license, activation, now);

                case LicensingMode.Floating:
                    var lease = read.Seat(leaseRow);
                    if (lease is null || !LicenseRules.HoldsSeat(lease, now))
                    {
                        return ActivationService.Denied(Reasons.TokenNotFound, license);
                    }

                    // Not renewed here (heartbeats do that), but never stated as outliving the license.
                    lease.ExpireAt = LicenseRules.StatedTokenExpiry(lease.ExpireAt, license.ExpireAt);
                    return Valid(license, lease, now);

                default:
                    return Valid(license, seat: null, now);
            }
        }

        return Problems.Unavailable();
    }

    /// <summary>The license and every seat it holds or held (ended ones not yet purged show revoked: true).</summary>
    public async Task<IActionResult> InfoAsync(Caller caller, ClientCall call, CancellationToken ct)
    {
        var (stored, seats) = await store.ReadAllAsync(TableKeys.LicenseId(call.UserKey), ct).ConfigureAwait(false);
        var license = caller.Visible(stored);
        if (license is null)
        {
            return Problems.Reason(404, Reasons.LicenseNotFound, "No license matches this user key.");
        }

        var now = clock.GetUtcNow();
        return ApiResult.Ok(
            new LicenseInfoResponse(
                SeatViews.Views(seats, now),
                license.LicenseId,
                license.MaxClientCount,
                SeatViews.Held(seats, now),
                (int)license.Mode,
                license.Revoked,
                Timestamp.From(license.IssuedAt),
                Timestamp.From(license.ExpireAt),
                Timestamp.From(license.SupportExpireAt)),
            ApiJson.Wire.LicenseInfoResponse);
    }

    private ApiResult Valid(LicenseRow license, SeatRow? seat, DateTimeOffset now) => ApiResult.Ok(
        new ActivateLicenseResponse(
            Success: true,
            seat is null ? null : credentials.IssueToken(seat, now),
            seat is null ? null : Timestamp.From(seat.ExpireAt),
            license.LiveSeats,
            license.MaxClientCount,
            credentials.Summary(license, now)),
        ApiJson.Wire.ActivateLicenseResponse);
}
