namespace Licensing.Admin;

/// <summary>The admin API's licenses: create, read, list, change, delete, and revoke one seat.</summary>
public sealed class AdminLicenseService(
    LicenseStore licenses,
    SeatStore seats,
    MeterStore meterRows,
    PolicyStore policies,
    AuditTrail audit,
    LicenseCredentials credentials,
    SeatsByPublicId seatsById,
    TimeProvider clock,
    IOptions<LicensingOptions> options)
{
    /// <summary>
    /// A new license from a checked draft; a generated user key unless the draft names one. With a policy, the draft's
    /// missing terms are the policy's (its duration and support duration counted from now).
    /// </summary>
    public async Task<Outcome<LicenseRow>> CreateAsync(Caller caller, LicenseDraft draft, CancellationToken ct)
    {
        if (draft.PolicyId is { } policyId)
        {
            if (await policies.ReadAsync(policyId, ct).ConfigureAwait(false) is not { } policy)
            {
                return new Refusal(RefusalCodes.PolicyNotFound, $"No policy '{policyId}'.", Field: "policyId");
            }

            if (draft.ProductId is { } productId && productId != policy.ProductId)
            {
                return new Refusal(RefusalCodes.ValidationFailed, $"must be the policy's product '{policy.ProductId}' (or left out).", Field: "productId");
            }

            draft = PolicyTerms.Fill(draft, policy, clock.GetUtcNow());
        }

        if (SeatTerms.OverageProblem(draft.MaxClientCount!.Value, draft.OverageSeats ?? 0) is { } overageProblem)
        {
            return new Refusal(RefusalCodes.ValidationFailed, overageProblem, Field: "overageSeats");
        }

        var now = clock.GetUtcNow();
        var userKey = draft.UserKey ?? UserKeyGenerator.Generate();
        var license = new LicenseRow
        {
            LicenseId = TableKeys.LicenseId(userKey),
            UserKey = userKey,
            ProductId = draft.ProductId ?? "default",
            Mode = draft.Mode!.Value,
            MaxClientCount = draft.MaxClientCount!.Value,
            OverageSeats = draft.OverageSeats ?? 0,
            MaxTransfers = draft.MaxTransfers ?? 0,
            ExpireAt = draft.ExpireAt,
            SupportExpireAt = draft.SupportExpireAt,
            HeartbeatInterval = draft.HeartbeatInterval ?? options.Value.DefaultHeartbeatInterval,
            GracePeriod = draft.GracePeriod ?? TimeSpan.Zero,
            MaxBorrowDuration = draft.MaxBorrowDuration ?? TimeSpan.Zero,
            CustomerName = draft.CustomerName,
            Entitlements = draft.Entitlements ?? [],
            Meters = draft.Meters ?? [],
            IssuedAt = now,
            CreationId = Base32.Random(16),
            PolicyId = draft.PolicyId,
            Portal = draft.Portal ?? true,
        };
        var created = AuditEvents.License(AuditEventTypes.LicenseCreated, before: null, license, now, caller);

        // A create whose answer was lost and that the SDK retried finds its own row (by its creation id): created once.
        if (!await licenses.AddAsync(license, created, ct).ConfigureAwait(false)
            && (await licenses.ReadAsync(license.LicenseId, ct).ConfigureAwait(false))?.CreationId != license.CreationId)
        {
            return new Refusal(RefusalCodes.UserKeyInUse, "A license with this userKey exists already.");
        }

        return license;
    }

    public async Task<Outcome<LicenseHoldings>> GetAsync(string licenseId, CancellationToken ct)
    {
        var (license, held, meters) = await seats.ReadAllWithMetersAsync(licenseId, ct).ConfigureAwait(false);
        return license is null ? NotFound(licenseId) : ShownSeats.Of(license, held, clock.GetUtcNow()) with { Meters = meters };
    }

    /// <summary>
    /// A page of the license catalog. A search's first page starts with the license whose id or user key it is
    /// exactly, then come the licenses whose customer name starts with it.
    /// </summary>
    public async Task<Outcome<LicenseRowPage>> ListAsync(PageRequest page, LicenseSearch search, CancellationToken ct)
    {
        if (await licenses.ListAsync(page.PageSize, page.ContinuationToken, search.ProductId, search.Text, ct).ConfigureAwait(false) is not { } listed)
        {
            return PageRequest.UnknownContinuationToken;
        }

        if (search.Text is not { } text || page.ContinuationToken is not null)
        {
            return new LicenseRowPage(listed.Licenses, listed.Next);
        }

        var ids = LicenseIds.IsWellFormed(text) ? new[] { text, TableKeys.LicenseId(text) } : [TableKeys.LicenseId(text)];
        var exact = await Task.WhenAll(ids.Distinct(StringComparer.Ordinal).Select(id => licenses.ReadAsync(id, ct))).ConfigureAwait(false);
        var found = exact.OfType<LicenseRow>().Where(l => search.ProductId is null || l.ProductId == search.ProductId);
        return new LicenseRowPage(found.Concat(listed.Licenses).DistinctBy(l => l.LicenseId, StringComparer.Ordinal).ToArray(), listed.Next);
    }

    /// <summary>A page of the license's seat rows (live and ended, in row-key order): the admin's way to every seat info leaves out.</summary>
    public async Task<Outcome<SeatPage>> SeatsAsync(string licenseId, PageRequest page, CancellationToken ct)
    {
        if (await seats.ReadSeatPageAsync(licenseId, page.PageSize, page.ContinuationToken, ct).ConfigureAwait(false) is not { } listed)
        {
            return PageRequest.UnknownContinuationToken;
        }

        if (listed.Seats.Count == 0 && page.ContinuationToken is null
            && await licenses.ReadAsync(licenseId, ct).ConfigureAwait(false) is null)
        {
            return NotFound(licenseId);
        }

        return new SeatPage(listed.Seats, listed.Next, clock.GetUtcNow());
    }

    /// <summary>
    /// A page of the license's audit trail, newest first. The trail outlives the license: a deleted license's events
    /// stay readable.
    /// </summary>
    public async Task<Outcome<AuditPage>> EventsAsync(string licenseId, PageRequest page, CancellationToken ct)
    {
        if (await audit.ReadLicensePageAsync(licenseId, page.PageSize, page.ContinuationToken, ct).ConfigureAwait(false) is not { } events)
        {
            return PageRequest.UnknownContinuationToken;
        }

        if (events.Events.Count == 0 && page.ContinuationToken is null
            && await licenses.ReadAsync(licenseId, ct).ConfigureAwait(false) is null)
        {
            return NotFound(licenseId);
        }

        return new AuditPage(events.Events, events.Next);
    }

    public async Task<Outcome<LicenseHoldings>> PatchAsync(Caller caller, string licenseId, LicenseDraft draft, CancellationToken ct)
    {
        var patched = await Contention.RetryAsync<Outcome<LicenseRow>>(async () =>
        {
            if (await licenses.ReadAsync(licenseId, ct).ConfigureAwait(false) is not { } license)
            {
                return NotFound(licenseId);
            }

            var before = LicenseRow.FromEntity(license.ToEntity());
            draft.ApplyTo(license);
            if (SeatTerms.OverageProblem(license.MaxClientCount, license.OverageSeats) is { } overageProblem)
            {
                // Lowering maxClientCount below the overage (or raising the overage past it) is refused, not clamped.
                return new Refusal(RefusalCodes.ValidationFailed, overageProblem, draft.OverageSeats is null ? "maxClientCount" : "overageSeats");
            }

            var updated = AuditEvents.License(AuditEventTypes.LicenseUpdated, before, license, clock.GetUtcNow(), caller);
            if (updated.Changes is null)
            {
                // A patch that changes nothing records no event; it (re)writes the license's catalog row alone.
                await licenses.ListInCatalogAsync(license, ct).ConfigureAwait(false);
                return license;
            }

            return await licenses.UpdateAsync(license, updated, ct).ConfigureAwait(false) ? license : null;
        }, ct).ConfigureAwait(false);
        return patched.Refused is { } refused ? refused : await GetAsync(licenseId, ct).ConfigureAwait(false);
    }

    public Task<Outcome<Done>> DeleteAsync(Caller caller, string licenseId, CancellationToken ct) =>
        Contention.RetryAsync<Outcome<Done>>(async () =>
        {
            var (license, held) = await seats.ReadAllAsync(licenseId, ct).ConfigureAwait(false);
            if (license is null)
            {
                return NotFound(licenseId);
            }

            var deleted = AuditEvents.License(AuditEventTypes.LicenseDeleted, license, license, clock.GetUtcNow(), caller);
            if (!await licenses.DeleteAsync(license, held, deleted, ct).ConfigureAwait(false))
            {
                return null;
            }

            await meterRows.DeleteAllAsync(licenseId, ct).ConfigureAwait(false);
            return Done.Instance;
        }, ct);

    /// <summary>Ends one seat at once, named by its bearer token or its public id (a kicked client).</summary>
    public Task<Outcome<LicenseHoldings>> RevokeTokenAsync(Caller caller, string licenseId, SeatReference seat, CancellationToken ct)
    {
        var publicId = seat.PublicId;
        if (seat.BearerToken is { } bearer)
        {
            var claims = credentials.ReadToken(bearer);
            if (claims is null || claims.LicenseId != licenseId)
            {
                return Task.FromResult<Outcome<LicenseHoldings>>(new Refusal(Reasons.InvalidToken, "The license token is not one of this license's."));
            }

            publicId = claims.TokenId;
        }

        return publicId is null
            ? Task.FromResult<Outcome<LicenseHoldings>>(new Refusal(Reasons.TokenNotFound, "Name the seat by its token."))
            : seatsById.EndAsync(caller, licenseId, publicId, SeatEnding.Revoke, ct);
    }

    private static Refusal NotFound(string licenseId) => new(Reasons.LicenseNotFound, $"No license '{licenseId}'.");
}

/// <summary>A seat named by its bearer token or by the public id that info shows.</summary>
public sealed record SeatReference(string? BearerToken, string? PublicId);
