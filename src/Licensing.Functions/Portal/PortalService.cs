namespace Licensing.Portal;

/// <summary>Why the portal refuses a sign-in or a session's call (beyond the seat rules' own reasons).</summary>
public static class PortalRefusals
{
    /// <summary>The license key opens no license: a 401 that says no more, counted against the address.</summary>
    public const string WrongLicenseKey = "wrong_license_key";

    /// <summary>A refused address signed in with a key whose license this instance does not hold: a 429, no storage read.</summary>
    public const string NotKnownHere = "not_known_here";

    /// <summary>The session's license was deleted (or made anew with the same key): the session is over, a 401.</summary>
    public const string SessionEnded = "session_ended";

    /// <summary>The vendor turned the portal off for the license (<c>portal: false</c>): a 403.</summary>
    public const string PortalDisabled = "portal_disabled";
}

/// <summary>The owner's license as the portal shows it: the license with its live seats, and the moves it has left.</summary>
public sealed record OwnersLicense(LicenseHoldings Holdings, int? MovesLeft, DateTimeOffset? NextMoveAt);

/// <summary>
/// The customer portal's rules: a license's owner signs in with its user key and then acts on that license only, as the
/// caller <see cref="Caller.Customer"/>: sees its terms and live seats, its seat events, frees a lost machine's seat
/// (through <see cref="SeatsByPublicId"/>), downloads the signed license document and activates machines offline
/// (through <see cref="OfflineActivationService"/>). Suspended, revoked and expired licenses may still sign in, look
/// and free seats (as deactivate and info are never refused for the license's state); <c>portal: false</c> refuses all.
/// </summary>
public sealed class PortalService(
    LicenseStore licenses,
    SeatStore seats,
    AuditTrail audit,
    SeatsByPublicId seatsById,
    OfflineActivationService offline,
    LicenseCredentials credentials,
    PortalSessions sessions,
    TimeProvider clock)
{
    /// <summary>
    /// Storage: the license row (1), then the sign-in's event with the row's event number (2). With
    /// <paramref name="cachedOnly"/> (an address over its wrong-key budget) only a license this instance holds cached may
    /// sign in, so a wrong key from there costs no storage read.
    /// </summary>
    public Task<Outcome<IssuedSession>> SignInAsync(string userKey, string clientAddr, bool cachedOnly, CancellationToken ct)
    {
        var licenseId = TableKeys.LicenseId(userKey);
        var customer = Caller.Customer(licenseId, clientAddr);
        var first = true;
        return Contention.RetryAsync<Outcome<IssuedSession>>(async () =>
        {
            var license = cachedOnly && first ? seats.CachedLicense(licenseId) : await licenses.ReadAsync(licenseId, ct).ConfigureAwait(false);
            if (license is null)
            {
                return cachedOnly && first ? Refuse(PortalRefusals.NotKnownHere) : Refuse(PortalRefusals.WrongLicenseKey);
            }

            first = false;
            if (license.UserKey != userKey)
            {
                return Refuse(PortalRefusals.WrongLicenseKey);
            }

            if (!license.Portal)
            {
                return Refuse(PortalRefusals.PortalDisabled);
            }

            var signedIn = AuditEvents.SignedIn(license, clock.GetUtcNow(), customer);
            return await licenses.CommitEventsAsync([], license, [signedIn], ct).ConfigureAwait(false) ? sessions.Issue(license) : null;
        }, ct);
    }

    /// <summary>The license and its live seats, with its meters. Storage: one row-key range (1).</summary>
    public async Task<Outcome<OwnersLicense>> ViewAsync(PortalSessionClaims session, CancellationToken ct)
    {
        var (license, held, meters) = await seats.ReadAllWithMetersAsync(session.LicenseId, ct).ConfigureAwait(false);
        return Opens(license, session) is { } refused ? refused : View(license!, held, meters);
    }

    /// <summary>A page of the license's seat events and sign-ins, newest first. Storage: the license row (1) + the page (2).</summary>
    public async Task<Outcome<AuditPage>> EventsAsync(PortalSessionClaims session, PageRequest page, CancellationToken ct)
    {
        if (await OpenAsync(session, ct).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        if (await audit.ReadLicensePageAsync(session.LicenseId, page.PageSize, page.ContinuationToken, ct).ConfigureAwait(false) is not { } events)
        {
            return PageRequest.UnknownContinuationToken;
        }

        return new AuditPage(events.Events.Where(e => IsOwnersEvent(e.Type)).ToArray(), events.Next);
    }

    /// <summary>
    /// Frees one live seat of the license, named by its public id: a deactivation (a move, refused when none is left) or
    /// a release, recorded with the actor <c>customer</c>. Storage: the license row (1), then as the admin's revoke
    /// (read, purge hint, transaction).
    /// </summary>
    public async Task<Outcome<OwnersLicense>> FreeSeatAsync(PortalSessionClaims session, string publicId, string clientAddr, CancellationToken ct)
    {
        if (await OpenAsync(session, ct).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        var freed = await seatsById.EndAsync(Caller.Customer(session.LicenseId, clientAddr), session.LicenseId, publicId, SeatEnding.Free, ct).ConfigureAwait(false);
        return freed.Refused is { } refusal ? refusal : View(freed.Value!.License, freed.Value.Seats ?? [], freed.Value.Meters ?? []);
    }

    /// <summary>The signed license document, signed now (the bytes of <c>licenseKey</c>). Storage: the license row (1).</summary>
    public async Task<Outcome<IssuedLicense>> DocumentAsync(PortalSessionClaims session, CancellationToken ct)
    {
        var license = await licenses.ReadAsync(session.LicenseId, ct).ConfigureAwait(false);
        return Opens(license, session) is { } refused ? refused : credentials.IssueLicense(license!, clock.GetUtcNow());
    }

    /// <summary>
    /// An offline activation request answered for the session's license only (a request for another license is
    /// <c>license_not_found</c>, without a read of it). Storage: the license row (1), then as the offline activation.
    /// </summary>
    public async Task<Outcome<OfflineActivation>> ActivateOfflineAsync(PortalSessionClaims session, OfflineRequest request, string clientAddr, CancellationToken ct)
    {
        if (TableKeys.LicenseId(request.UserKey) != session.LicenseId)
        {
            return new OfflineActivation(null, Reasons.LicenseNotFound, null, 0);
        }

        return await OpenAsync(session, ct).ConfigureAwait(false) is { } refused
            ? refused
            : await offline.ActivateAsync(Caller.Customer(session.LicenseId, clientAddr), request, ct).ConfigureAwait(false);
    }

    /// <summary>A deactivation proof of the session's license's machine. Storage: the license row (1), then as the offline deactivation.</summary>
    public async Task<Outcome<OfflineDeactivation>> DeactivateOfflineAsync(PortalSessionClaims session, DeactivationProof proof, string clientAddr, CancellationToken ct)
    {
        if (proof.LicenseId != session.LicenseId)
        {
            return new OfflineDeactivation(null, Reasons.LicenseNotFound);
        }

        return await OpenAsync(session, ct).ConfigureAwait(false) is { } refused
            ? refused
            : await offline.DeactivateAsync(Caller.Customer(session.LicenseId, clientAddr), proof, ct).ConfigureAwait(false);
    }

    /// <summary>What the owner's trail shows: seat events and sign-ins (the vendor's own changes of the license stay the vendor's).</summary>
    public static bool IsOwnersEvent(string type) =>
        type.StartsWith("seat.", StringComparison.Ordinal) || type == AuditEventTypes.PortalSignedIn;

    private async Task<Refusal?> OpenAsync(PortalSessionClaims session, CancellationToken ct) =>
        Opens(await licenses.ReadAsync(session.LicenseId, ct).ConfigureAwait(false), session);

    /// <summary>Null while the session still opens its license: the license exists as signed in to, with the portal on.</summary>
    private static Refusal? Opens(LicenseRow? license, PortalSessionClaims session) =>
        license is null || license.CreationId != session.CreationId ? Refuse(PortalRefusals.SessionEnded)
        : !license.Portal ? Refuse(PortalRefusals.PortalDisabled)
        : null;

    private OwnersLicense View(LicenseRow license, IReadOnlyList<SeatRow> held, IReadOnlyList<MeterRow> meters)
    {
        var now = clock.GetUtcNow();
        var live = held.Where(s => s.State == SeatState.Live && LicenseRules.HoldsSeat(s, now)).ToArray();
        var moves = license.Mode == LicensingMode.Activation ? license.MaxTransfers : 0;
        return new OwnersLicense(
            new LicenseHoldings(license, live, now) { Meters = meters },
            TransferWindow.MovesLeft(license.RecentDeactivations, now, moves),
            TransferWindow.NextMoveAt(license.RecentDeactivations, now, moves));
    }

    private static Refusal Refuse(string code) => new(code, code);
}
