namespace Licensing.Seats;

/// <summary>The validate and info calls: is the license usable now by this caller, and what does it hold.</summary>
public sealed class LicenseStatusService(
    SeatStore store,
    MeterStore meters,
    LicenseCredentials credentials,
    SeatDisclosure disclosure,
    TimeProvider clock,
    IOptions<LicensingOptions> options)
{
    /// <summary>
    /// Storage: read (1) of the license and this caller's activation and lease rows; an activation's token is
    /// renewed with one ETag-guarded update (2). A lease is not extended here: heartbeats do that. A floating license
    /// in this instance's cache costs one request: its lease row. A license with meters adds one range read of their rows.
    /// </summary>
    public async Task<SeatDecision> ValidateAsync(Caller caller, ClientCall call, CancellationToken ct)
    {
        var licenseId = TableKeys.LicenseId(call.UserKey);
        LicenseRow? seen = null;
        var decision = await DecideValidityAsync(caller, call, licenseId, found => seen = found, ct).ConfigureAwait(false);
        if (seen is null)
        {
            return decision;
        }

        // The meters' counts are rows of their own: read (one range) only for a license that has meters.
        var rows = seen.Meters.Count == 0 ? [] : await meters.ReadAllAsync(licenseId, ct).ConfigureAwait(false);
        return decision with { Meters = MeterReport.Of(seen, rows, clock.GetUtcNow()) };
    }

    private Task<SeatDecision> DecideValidityAsync(Caller caller, ClientCall call, string licenseId, Action<LicenseRow> seen, CancellationToken ct)
    {
        var activationRow = TableKeys.ActivationRow(call.MachineId);
        var leaseRow = TableKeys.LeaseRow(call.MachineId, call.LeaseClientId);
        return Contention.RetryAsync(async () =>
        {
            // A floating license's terms may come from this instance's cache: then only the lease row is read.
            var read = store.CachedLicense(licenseId) is { Mode: LicensingMode.Floating } cached
                ? await store.ReadSeatsAsync(cached, [leaseRow], ct).ConfigureAwait(false)
                : await store.ReadAsync(licenseId, [activationRow, leaseRow], ct).ConfigureAwait(false);
            var now = clock.GetUtcNow();
            var license = caller.Visible(read.License);
            if (license is not null)
            {
                seen(license);
            }

            if (LicenseRules.Deny(license, now, requiredMode: null) is { } reason)
            {
                return SeatDecision.Denied(reason, license, license?.LiveSeats ?? 0);
            }

            switch (license!.Mode)
            {
                case LicensingMode.Activation:
                    var activation = read.Seat(activationRow);
                    if (activation is null || !LicenseRules.HoldsSeat(activation, now))
                    {
                        return SeatDecision.Denied(Reasons.NotActivated, license, license.LiveSeats);
                    }

                    activation.ExpireAt = LicenseRules.ActivationTokenExpiry(now, options.Value.ActivationTokenLifetime, LicenseRules.UsableUntil(license));
                    activation.LastHeartbeat = now;
                    return await store.RenewSeatAsync(activation, ct).ConfigureAwait(false)
                        ? SeatGrants.Granted(credentials, license, activation, now)
                        : null;

                case LicensingMode.Floating:
                    var lease = read.Seat(leaseRow);
                    if (lease is null || !LicenseRules.HoldsSeat(lease, now))
                    {
                        return SeatDecision.Denied(Reasons.TokenNotFound, license, license.LiveSeats);
                    }

                    // Not renewed here (heartbeats do that), but never stated as outliving the license.
                    lease.ExpireAt = LicenseRules.StatedTokenExpiry(lease.ExpireAt, LicenseRules.UsableUntil(license));
                    return SeatGrants.Granted(credentials, license, lease, now);

                default:
                    return SeatGrants.Granted(credentials, license, seat: null, now);
            }
        }, ct);
    }

    /// <summary>
    /// The license, its live seats and its newest ended ones (<see cref="ShownSeats"/>; ended ones show revoked: true),
    /// other machines' seats as <see cref="SeatDisclosure"/> lets a client see them.
    /// </summary>
    public async Task<Outcome<LicenseHoldings>> InfoAsync(Caller caller, ClientCall call, CancellationToken ct)
    {
        var (stored, seats, meters) = await store.ReadAllWithMetersAsync(TableKeys.LicenseId(call.UserKey), ct).ConfigureAwait(false);
        if (caller.Visible(stored) is not { } license)
        {
            return new Refusal(Reasons.LicenseNotFound, "No license matches this user key.");
        }

        var shown = ShownSeats.Of(license, seats, clock.GetUtcNow());
        return shown with { Seats = disclosure.ForClient(shown.Seats!, call.MachineId), Meters = meters };
    }
}
