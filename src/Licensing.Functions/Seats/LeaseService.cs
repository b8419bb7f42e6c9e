namespace Licensing.Seats;

/// <summary>
/// Floating leases (mode 2): one per (machine, client), kept alive by heartbeats. A grant commits with the
/// license row's ETag, so grants serialise per license and live seats never exceed the limit; a lease whose
/// expiry passed holds no seat, and the grant that needs its place ends it in the same transaction, which also
/// defeats a late heartbeat that read the lease before it lapsed.
/// </summary>
public sealed class LeaseService(SeatStore store, SeatGroupCommit groupCommit, ExpiryIndex expiryIndex, LicenseCredentials credentials, TimeProvider clock)
{
    /// <summary>
    /// A grant's transaction: the counter, the hour's usage row, the lease and its event, and three rows (seat, ended-seat
    /// index entry, event) per lapsed lease it ends: at most 4 + 3 × 32 = 100, the actions a transaction holds.
    /// </summary>
    private const int MaxReclaimsPerGrant = 32;

    /// <summary>
    /// Storage: read (1) + expiry hint (2) + transaction (3). A full license adds one read of lapsed leases, unless its
    /// row says none can have lapsed yet (<see cref="LicenseRow.NoLapseBefore"/>): then it is refused after the read.
    /// </summary>
    public Task<SeatDecision> RequestAsync(Caller caller, ClientCall call, CancellationToken ct)
    {
        var licenseId = TableKeys.LicenseId(call.UserKey);
        var seatRow = TableKeys.LeaseRow(call.MachineId, call.LeaseClientId);
        var tokenId = TokenIds.NewLease();
        var hinted = false;
        return groupCommit.DecideAsync(licenseId, seatRow, async (seats, ct) =>
        {
            var read = await seats.ReadAsync(licenseId, seatRow, ct).ConfigureAwait(false);
            var now = clock.GetUtcNow();
            var license = caller.Visible(read.License);
            if (LicenseRules.Deny(license, now, LicensingMode.Floating) is { } reason)
            {
                return SeatDecision.Denied(reason, license, license?.LiveSeats ?? 0);
            }

            var own = read.Seat(seatRow);
            var expireAt = LicenseRules.LeaseExpiry(now, license!.HeartbeatInterval, LicenseRules.UsableUntil(license));
            if (own is not null && LicenseRules.HoldsSeat(own, now))
            {
                // The same pair asking again: the same lease, renewed, no new seat.
                var renewedAt = LicenseRules.RenewedLeaseExpiry(own, now, license.HeartbeatInterval, LicenseRules.UsableUntil(license));
                await HintEarlierExpiryAsync(seats, own, renewedAt, ct).ConfigureAwait(false);
                own.ExpireAt = renewedAt;
                own.LastHeartbeat = now;
                own.ClientName = call.ClientName ?? own.ClientName;
                own.ClientAddr = call.ClientAddr;
                return await seats.RenewSeatAsync(license, own, ct).ConfigureAwait(false) ? SeatGrants.Granted(credentials, license, own, now) : null;
            }

            // The pair's own lapsed row is replaced below, so its place is reclaimed by the same write.
            var ownStillCounted = own is not null && own.State == SeatState.Live;
            var counted = license.LiveSeats - (ownStillCounted ? 1 : 0);
            var reclaimed = new List<SeatRow>();
            var needed = LicenseRules.ReclaimsNeeded(counted, license.SeatLimit);
            if (needed > 0)
            {
                if (license.NoLapseBefore > now)
                {
                    return SeatDecision.Denied(Reasons.SeatsExhausted, license, counted);
                }

                var lapsed = await seats.ReadLapsedLeasesAsync(licenseId, now, MaxReclaimsPerGrant, ct).ConfigureAwait(false);
                lapsed.RemoveAll(s => s.RowKey == seatRow);
                if (lapsed.Count < needed)
                {
                    if (lapsed.Count == 0)
                    {
                        await RememberNoLapseBeforeAsync(seats, license, now, ct).ConfigureAwait(false);
                    }

                    return SeatDecision.Denied(Reasons.SeatsExhausted, license, counted - lapsed.Count);
                }

                reclaimed.AddRange(lapsed.Take(needed));
                foreach (var seat in reclaimed)
                {
                    seat.End(SeatState.Expired, seat.ExpireAt);
                }
            }

            if (!hinted)
            {
                await seats.AddExpiryHintAsync(new ExpiryEntry(expireAt, licenseId, seatRow, tokenId), ct).ConfigureAwait(false);
                hinted = true;
            }

            var lease = new SeatRow
            {
                LicenseId = licenseId,
                RowKey = seatRow,
                TokenId = tokenId,
                MachineId = call.MachineId,
                ClientId = call.ClientId,
                ClientName = call.ClientName,
                ClientAddr = call.ClientAddr,
                IssuedAt = now,
                ExpireAt = expireAt,
                LastHeartbeat = now,
                ETag = own?.ETag ?? default,
            };
            license.LiveSeats = counted - reclaimed.Count + 1;
            lease.Overage = SeatTerms.IsOverage(license.LiveSeats, license.MaxClientCount);
            var writes = reclaimed.Select(s => new SeatWrite(s, IsNew: false)).Prepend(new SeatWrite(lease, IsNew: own is null)).ToArray();
            var events = reclaimed.Select(s => AuditEvents.Lapsed(license, s, now)).Append(AuditEvents.Seat(AuditEventTypes.SeatGranted, license, lease, now, caller)).ToArray();
            return await seats.CommitAsync(license, writes, events, ct).ConfigureAwait(false) ? SeatGrants.Granted(credentials, license, lease, now) : null;
        }, ct);
    }

    /// <summary>
    /// Storage: the lease row read (1) + its ETag-guarded update (2), the license's terms from this instance's cache
    /// (a miss adds a read of the license row after the lease's). The expiry index is left alone.
    /// </summary>
    public Task<LeaseRenewal> HeartbeatAsync(Caller caller, ClientCall call, CancellationToken ct)
    {
        var claims = credentials.ReadToken(call.LicenseToken);
        if (claims is null)
        {
            return Task.FromResult(LeaseRenewal.Denied(Reasons.InvalidToken, null));
        }

        return Contention.RetryAsync(async () =>
        {
            var (license, lease, now, reason) = await ReadLiveLeaseAsync(
                store.ReadWithCachedLicenseAsync(claims.LicenseId, [claims.SeatRow], ct), caller, claims, call, clock).ConfigureAwait(false);
            if (reason is not null)
            {
                return LeaseRenewal.Denied(reason, license);
            }

            var expireAt = LicenseRules.RenewedLeaseExpiry(lease!, now, license!.HeartbeatInterval, LicenseRules.UsableUntil(license));
            await HintEarlierExpiryAsync(new StoredSeatSession(store, expiryIndex), lease!, expireAt, ct).ConfigureAwait(false);
            lease!.ExpireAt = expireAt;
            lease.LastHeartbeat = now;
            lease.ClientAddr = call.ClientAddr;
            return await store.RenewSeatAsync(lease, ct).ConfigureAwait(false)
                ? new LeaseRenewal(null, license.LiveSeats, license.MaxClientCount, license.HeartbeatInterval, lease.ExpireAt, LicenseRules.GraceEndsAt(license, now))
                : null;
        }, ct);
    }

    /// <summary>
    /// A full pool whose leases were just found all live: no lease lapses before the earliest of their expiries, nor
    /// before a lease renewed or granted from now on would, so requests until then are refused from the license row
    /// alone.
    /// </summary>
    private static async Task RememberNoLapseBeforeAsync(ISeatSession seats, LicenseRow license, DateTimeOffset now, CancellationToken ct)
    {
        var renewedFromNow = LicenseRules.LeaseExpiry(now, license.HeartbeatInterval, LicenseRules.UsableUntil(license));
        if (await seats.ReadEarliestLeaseExpiryAsync(license.LicenseId, ct).ConfigureAwait(false) is { } earliest)
        {
            license.NoLapseBefore = earliest < renewedFromNow ? earliest : renewedFromNow;
            await seats.RememberNoLapseBeforeAsync(license, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Storage: read (1) + transaction (2). Releasing an ended lease is a no-op answered 200.</summary>
    public Task<Outcome<SeatCount>> ReleaseAsync(Caller caller, ClientCall call, CancellationToken ct)
    {
        var claims = credentials.ReadToken(call.LicenseToken);
        if (claims is null)
        {
            return Task.FromResult<Outcome<SeatCount>>(new Refusal(Reasons.InvalidToken, "The license token is not one of ours."));
        }

        return groupCommit.DecideAsync<Outcome<SeatCount>>(claims.LicenseId, claims.SeatRow, async (seats, ct) =>
        {
            var read = await seats.ReadAsync(claims.LicenseId, claims.SeatRow, ct).ConfigureAwait(false);
            var now = clock.GetUtcNow();
            var license = caller.Visible(read.License);
            if (license is null)
            {
                return new Refusal(Reasons.LicenseNotFound, "The token's license no longer exists.");
            }

            if (license.Mode != LicensingMode.Floating)
            {
                return new Refusal(Reasons.WrongLicensingMode, "Release applies to floating licenses (licensingMode 2).");
            }

            if (claims.MachineHash != TableKeys.MachineHash(call.MachineId))
            {
                return new Refusal(Reasons.MachineMismatch, "No lease of this machine matches the token.");
            }

            var lease = read.Seat(claims.SeatRow);
            if (lease is null || lease.TokenId != claims.TokenId || lease.State != SeatState.Live)
            {
                return SeatCount.Of(license);
            }

            var ended = SeatEndings.End(license, lease, SeatState.Released, AuditEventTypes.SeatReleased, now, caller);
            return await seats.CommitAsync(license, [new SeatWrite(lease, IsNew: false)], [ended], ct).ConfigureAwait(false) ? SeatCount.Of(license) : null;
        }, ct);
    }

    /// <summary>
    /// A renewal that brings a lease's expiry forward (its license's heartbeat interval was shortened) adds an expiry
    /// hint at the new expiry: the lease's entry may come due after it lapses, and the timer must end it then.
    /// </summary>
    private static Task HintEarlierExpiryAsync(ISeatSession seats, SeatRow lease, DateTimeOffset expireAt, CancellationToken ct) =>
        expireAt < lease.ExpireAt
            ? seats.AddExpiryHintAsync(new ExpiryEntry(expireAt, lease.LicenseId, lease.RowKey, lease.TokenId), ct)
            : Task.CompletedTask;

    /// <summary>
    /// heartbeat and borrow: the token's license and lease as <paramref name="read"/> finds them, the time after the read,
    /// and the reason the lease may not go on, if any: the license's state first, then the token's.
    /// </summary>
    internal static async Task<LiveLease> ReadLiveLeaseAsync(Task<LicenseRead> read, Caller caller, SeatToken claims, ClientCall call, TimeProvider clock)
    {
        var rows = await read.ConfigureAwait(false);
        var now = clock.GetUtcNow();
        var license = caller.Visible(rows.License);
        var lease = rows.Seat(claims.SeatRow);
        return new(license, lease, now, LicenseRules.Deny(license, now, LicensingMode.Floating) ?? TokenStateDenial(lease, claims, call, now));
    }

    /// <summary>After the license's state: another machine (before anything about the seat), then missing or ended.</summary>
    private static string? TokenStateDenial(SeatRow? lease, SeatToken claims, ClientCall call, DateTimeOffset now)
    {
        if (claims.MachineHash != TableKeys.MachineHash(call.MachineId))
        {
            return Reasons.MachineMismatch;
        }

        if (lease is null || lease.TokenId != claims.TokenId)
        {
            return Reasons.TokenNotFound;
        }

        if (lease.State != SeatState.Live)
        {
            return SeatState.EndedReason(lease.State);
        }

        return LicenseRules.HoldsSeat(lease, now) ? null : Reasons.TokenExpired;
    }
}

/// <summary>A lease read for heartbeat or borrow: when <see cref="DeniedReason"/> is null, the license and lease are there.</summary>
internal readonly record struct LiveLease(LicenseRow? License, SeatRow? Lease, DateTimeOffset Now, string? DeniedReason);
