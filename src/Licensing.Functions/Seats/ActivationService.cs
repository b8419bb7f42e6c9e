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
        return groupCommit.DecideAsync(
            licenseId,
            seatRow,
            async (seats, ct) => (await DecideAsync(seats, caller, call, licenseId, seatRow, receipt: null, ct).ConfigureAwait(false))?.Decision,
            ct);
    }

    /// <summary>
    /// Activates as <see cref="ActivateAsync(Caller, ClientCall, CancellationToken)"/> does, and keeps a receipt of the
    /// answer: its row is read with the license and the seat, and created in the activation's transaction (or alone,
    /// when the machine was active already). A receipt found stored decides the call before anything else. Storage: as
    /// activate, plus (for an already active machine) the receipt's create. Offline activations are rare and carry a
    /// row of their own, so they are decided alone, straight against storage (the license row's ETag still orders them
    /// with a burst's batch).
    /// </summary>
    public Task<ReceiptedActivation> ActivateAsync(Caller caller, ClientCall call, ActivationReceipt receipt, CancellationToken ct)
    {
        var licenseId = TableKeys.LicenseId(call.UserKey);
        var seatRow = TableKeys.ActivationRow(call.MachineId);
        var alone = new StoredSeatSession(store, expiryIndex);
        return Contention.RetryAsync(() => DecideAsync(alone, caller, call, licenseId, seatRow, receipt, ct), ct);
    }

    /// <summary>One activation decided through <paramref name="seats"/>; null when it lost a race (it is decided again).</summary>
    private async Task<ReceiptedActivation?> DecideAsync(
        ISeatSession seats, Caller caller, ClientCall call, string licenseId, string seatRow, ActivationReceipt? receipt, CancellationToken ct)
    {
        var read = receipt is null
            ? await seats.ReadAsync(licenseId, seatRow, ct).ConfigureAwait(false)
            : await store.ReadAsync(licenseId, [seatRow], ct, receipt.RowKey).ConfigureAwait(false);
        if (read.Receipt is { } stored)
        {
            return new ReceiptedActivation(Decision: null, stored);
        }

        var now = clock.GetUtcNow();
        var license = caller.Visible(read.License);
        if (LicenseRules.Deny(license, now, LicensingMode.Activation) is { } reason)
        {
            return ReceiptedActivation.Denied(SeatDecision.Denied(reason, license, license?.LiveSeats ?? 0));
        }

        var seat = read.Seat(seatRow);
        if (seat is not null && seat.State == SeatState.Live)
        {
            var confirmed = Activated(license!, seat, now);
            if (receipt is null)
            {
                return new ReceiptedActivation(confirmed, Receipt: null);
            }

            var row = receipt.Build(confirmed);
            return await store.CreateRowAsync(row, ct).ConfigureAwait(false) ? new ReceiptedActivation(confirmed, row) : null;
        }

        if (NewMachineDenial(license!, now) is { } denial)
        {
            // The two reads are not one snapshot: this machine's own activation may have committed between them,
            // counted in the license row but missed by the seat read. Read the seat again before refusing.
            var again = await seats.ReadSeatAgainAsync(license!, seatRow, ct).ConfigureAwait(false);
            return again is { State: SeatState.Live } ? null : ReceiptedActivation.Denied(SeatDecision.Denied(denial, license, license!.LiveSeats));
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

        // Signed before the commit: the receipt that commits with the activation holds the answer it gives.
        var granted = Activated(license, activation, now);
        var writes = new[] { new SeatWrite(activation, IsNew: seat is null) };
        if (receipt is null)
        {
            return await seats.CommitAsync(license, writes, [activated], ct).ConfigureAwait(false) ? new ReceiptedActivation(granted, Receipt: null) : null;
        }

        var receiptRow = receipt.Build(granted);
        return await store.CommitAsync(license, writes, [activated with { Offline = true }], ct, receiptRow).ConfigureAwait(false)
            ? new ReceiptedActivation(granted, receiptRow)
            : null;
    }

    /// <summary>Storage: read (1) + purge hint (2) + transaction (3).</summary>
    public Task<Outcome<SeatCount>> DeactivateAsync(Caller caller, ClientCall call, CancellationToken ct) =>
        DeactivateAsync(caller, TableKeys.LicenseId(call.UserKey), call.MachineId, onlyTokenId: null, ct);

    /// <summary>
    /// Deactivates the machine's activation on the license, as deactivate does; with <paramref name="onlyTokenId"/>,
    /// only while the live activation is that grant (an offline proof frees the activation it answered, never a
    /// later one), and the trail records it as offline.
    /// </summary>
    public Task<Outcome<SeatCount>> DeactivateAsync(Caller caller, string licenseId, string machineId, string? onlyTokenId, CancellationToken ct)
    {
        var seatRow = TableKeys.ActivationRow(machineId);
        return groupCommit.DecideAsync<Outcome<SeatCount>>(licenseId, seatRow, async (seats, ct) =>
        {
            var read = await seats.ReadAsync(licenseId, seatRow, ct).ConfigureAwait(false);
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
            if (seat is null || seat.State != SeatState.Live || (onlyTokenId is not null && seat.TokenId != onlyTokenId))
            {
                return SeatCount.Of(license);
            }

            // The purge hint for this activation; a retry after a lost race writes it again (a create that may find it there).
            await seats.AddExpiryHintAsync(new ExpiryEntry(now + options.Value.TokenRetention, licenseId, seatRow, seat.TokenId), ct).ConfigureAwait(false);

            // Every deactivation is a move of the seat, counted on the license row in the same transaction.
            license.RecentDeactivations = TransferWindow.Record(license.RecentDeactivations, now, license.MaxTransfers);
            var deactivated = SeatEndings.End(license, seat, SeatState.Deactivated, AuditEventTypes.SeatDeactivated, now, caller);
            deactivated = onlyTokenId is null ? deactivated : deactivated with { Offline = true };
            return await seats.CommitAsync(license, [new SeatWrite(seat, IsNew: false)], [deactivated], ct).ConfigureAwait(false)
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

/// <summary>A row an activation keeps beside it (an offline request's answer), built from the answer it gives.</summary>
public sealed record ActivationReceipt(string RowKey, Func<SeatDecision, Azure.Data.Tables.TableEntity> Build);

/// <summary>
/// An activation with a receipt: the decision and the receipt stored for the call (written with this decision, or
/// found from an earlier answer, when <see cref="Decision"/> is null); no receipt when denied.
/// </summary>
public sealed record ReceiptedActivation(SeatDecision? Decision, Azure.Data.Tables.TableEntity? Receipt)
{
    public static ReceiptedActivation Denied(SeatDecision denial) => new(denial, Receipt: null);
}
