using Licensing.Audit;
using Licensing.Domain;
using Licensing.Http;
using Licensing.Seats;
using Licensing.Settings;
using Licensing.Signing;
using Licensing.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Licensing.Admin;

/// <summary>The admin API's licenses: create, read, list, change, delete, and revoke one seat.</summary>
public sealed class AdminLicenseService(
    SeatStore store,
    AuditTrail audit,
    ExpiryIndex expiryIndex,
    StorageTables tables,
    LicenseCredentials credentials,
    TimeProvider clock,
    IOptions<LicensingOptions> options)
{
    public async Task<IActionResult> CreateAsync(Caller caller, JsonFields fields, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var draft = LicenseDraft.ForCreate(fields, now);
        if (fields.Problem is { } problem)
        {
            return problem;
        }

        var userKey = draft.UserKey ?? UserKeys.Generate();
        var license = new LicenseRow
        {
            LicenseId = TableKeys.LicenseId(userKey),
            UserKey = userKey,
            ProductId = draft.ProductId ?? "default",
            Mode = draft.Mode!.Value,
            MaxClientCount = draft.MaxClientCount!.Value,
            ExpireAt = draft.ExpireAt,
            SupportExpireAt = draft.SupportExpireAt,
            HeartbeatInterval = draft.HeartbeatInterval ?? options.Value.DefaultHeartbeatInterval,
            CustomerName = draft.CustomerName,
            Features = draft.Features ?? [],
            IssuedAt = now,
            CreationId = Base32.Random(16),
        };
        var created = AuditEvents.License(AuditEventTypes.LicenseCreated, before: null, license, now, caller);
        if (!await store.AddLicenseAsync(license, created, ct).ConfigureAwait(false)
            && (await store.ReadAsync(license.LicenseId, [], ct).ConfigureAwait(false)).License?.CreationId != license.CreationId)
        {
            return Problems.Conflict(Problems.UserKeyInUse, "A license with this userKey exists already.");
        }

        return ApiResult.Created(View(license, [], now, withTokens: false), ApiJson.Wire.LicenseView);
    }

    public async Task<IActionResult> GetAsync(string licenseId, CancellationToken ct)
    {
        var (license, seats) = await store.ReadAllAsync(licenseId, ct).ConfigureAwait(false);
        return license is null
            ? NotFound(licenseId)
            : ApiResult.Ok(View(license, seats, clock.GetUtcNow(), withTokens: true), ApiJson.Wire.LicenseView);
    }

    /// <summary>A page of license views; activeClientCount here is the stored count of live seat rows.</summary>
    public async Task<IActionResult> ListAsync(PageQuery query, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
        var filter = Azure.Data.Tables.TableClient.CreateQueryFilter($"RowKey eq {TableKeys.LicenseRow}");
        var now = clock.GetUtcNow();
        if (await TablePages.ReadAsync(tables.Licenses, filter, query.PageSize, query.ContinuationToken, ct).ConfigureAwait(false) is not { } page)
        {
            return PageQuery.UnknownContinuationToken();
        }

        var items = page.Rows.Select(e => View(LicenseRow.FromEntity(e), null, now, withTokens: false)).ToArray();
        return ApiResult.Ok(new LicensePage(items, page.Next), ApiJson.Wire.LicensePage);
    }

    /// <summary>
    /// A page of the license's audit trail, newest first. The trail outlives the license: a deleted license's events
    /// stay readable.
    /// </summary>
    public async Task<IActionResult> EventsAsync(string licenseId, PageQuery query, CancellationToken ct)
    {
        if (await audit.ReadLicensePageAsync(licenseId, query.PageSize, query.ContinuationToken, ct).ConfigureAwait(false) is not { } page)
        {
            return PageQuery.UnknownContinuationToken();
        }

        if (page.Events.Count == 0 && query.ContinuationToken is null
            && (await store.ReadAsync(licenseId, [], ct).ConfigureAwait(false)).License is null)
        {
            return NotFound(licenseId);
        }

        return ApiResult.Ok(new AuditEventPage(page.Events.Select(AuditEventViews.From).ToArray(), page.Next), ApiJson.Wire.AuditEventPage);
    }

    public async Task<IActionResult> PatchAsync(Caller caller, string licenseId, JsonFields fields, CancellationToken ct)
    {
        var draft = LicenseDraft.ForPatch(fields);
        if (fields.Problem is { } problem)
        {
            return problem;
        }

        for (var attempt = 0; attempt < Contention.MaxAttempts; attempt++)
        {
            var read = await store.ReadAsync(licenseId, [], ct).ConfigureAwait(false);
            if (read.License is not { } license)
            {
                return NotFound(licenseId);
            }

            var before = LicenseRow.FromEntity(license.ToEntity());
            Apply(draft, license);
            var updated = AuditEvents.License(AuditEventTypes.LicenseUpdated, before, license, clock.GetUtcNow(), caller);
            if (await store.UpdateLicenseAsync(license, updated, ct).ConfigureAwait(false))
            {
                return await GetAsync(licenseId, ct).ConfigureAwait(false);
            }

            await Contention.PauseAsync(attempt, ct).ConfigureAwait(false);
        }

        return Problems.Unavailable();
    }

    public async Task<IActionResult> DeleteAsync(Caller caller, string licenseId, CancellationToken ct)
    {
        for (var attempt = 0; attempt < Contention.MaxAttempts; attempt++)
        {
            var (license, seats) = await store.ReadAllAsync(licenseId, ct).ConfigureAwait(false);
            if (license is null)
            {
                return NotFound(licenseId);
            }

            var deleted = AuditEvents.License(AuditEventTypes.LicenseDeleted, license, license, clock.GetUtcNow(), caller);
            if (await store.DeleteLicenseAsync(license, seats, deleted, ct).ConfigureAwait(false))
            {
                return ApiResult.NoContent();
            }

            await Contention.PauseAsync(attempt, ct).ConfigureAwait(false);
        }

        return Problems.Unavailable();
    }

    /// <summary>Ends one seat at once, named by its bearer token or its public id (a kicked client).</summary>
    public async Task<IActionResult> RevokeTokenAsync(Caller caller, string licenseId, JsonFields fields, CancellationToken ct)
    {
        var bearer = fields.Text("licenseToken", ClientCall.TokenMax);
        var publicId = fields.Text("token", 64);
        if (bearer is null && publicId is null && !fields.HasErrors)
        {
            fields.AddError("token", "name the seat by 'token' (its public id) or 'licenseToken'.");
        }

        if (fields.Problem is { } problem)
        {
            return problem;
        }

        if (bearer is not null)
        {
            var claims = credentials.ReadToken(bearer);
            if (claims is null || claims.LicenseId != licenseId)
            {
                return Problems.Reason(404, Reasons.InvalidToken, "The license token is not one of this license's.");
            }

            publicId = claims.TokenId;
        }

        for (var attempt = 0; attempt < Contention.MaxAttempts; attempt++)
        {
            var (license, seats) = await store.ReadAllAsync(licenseId, ct).ConfigureAwait(false);
            if (license is null)
            {
                return NotFound(licenseId);
            }

            var seat = seats.FirstOrDefault(s => s.TokenId == publicId);
            if (seat is null)
            {
                return Problems.Reason(404, Reasons.TokenNotFound, $"License '{licenseId}' has no token '{publicId}'.");
            }

            var now = clock.GetUtcNow();
            if (seat.State != SeatState.Live)
            {
                return ApiResult.Ok(View(license, seats, now, withTokens: true), ApiJson.Wire.LicenseView);
            }

            await expiryIndex.AddAsync(new ExpiryEntry(now + options.Value.TokenRetention, licenseId, seat.RowKey, seat.TokenId), ct).ConfigureAwait(false);
            // A lease whose expiry passed ended then, as lapsed: revoking it records the lapse, never a revocation.
            AuditEventRow ended;
            if (LicenseRules.HoldsSeat(seat, now))
            {
                seat.End(SeatState.Revoked, now);
                ended = AuditEvents.Seat(AuditEventTypes.SeatRevoked, license, seat, now, caller);
            }
            else
            {
                seat.End(SeatState.Expired, seat.ExpireAt);
                ended = AuditEvents.Lapsed(license, seat, now);
            }

            license.LiveSeats--;
            if (await store.CommitAsync(license, [new SeatWrite(seat, IsNew: false)], [ended], ct).ConfigureAwait(false))
            {
                return ApiResult.Ok(View(license, seats, now, withTokens: true), ApiJson.Wire.LicenseView);
            }

            await Contention.PauseAsync(attempt, ct).ConfigureAwait(false);
        }

        return Problems.Unavailable();
    }

    private static void Apply(LicenseDraft draft, LicenseRow license)
    {
        license.MaxClientCount = draft.MaxClientCount ?? license.MaxClientCount;
        license.ExpireAt = draft.HasExpireAt ? draft.ExpireAt : license.ExpireAt;
        license.SupportExpireAt = draft.HasSupportExpireAt ? draft.SupportExpireAt : license.SupportExpireAt;
        license.HeartbeatInterval = draft.HeartbeatInterval ?? license.HeartbeatInterval;
        license.CustomerName = draft.HasCustomerName ? draft.CustomerName : license.CustomerName;
        license.Features = draft.Features ?? license.Features;
        license.Suspended = draft.Suspended ?? license.Suspended;
        license.Revoked = draft.Revoked ?? license.Revoked;
    }

    private static IActionResult NotFound(string licenseId) =>
        Problems.Reason(404, Reasons.LicenseNotFound, $"No license '{licenseId}'.");

    private static LicenseView View(LicenseRow license, IReadOnlyList<SeatRow>? seats, DateTimeOffset now, bool withTokens) => new(
        license.LicenseId,
        license.UserKey,
        license.ProductId,
        (int)license.Mode,
        license.MaxClientCount,
        seats is null ? license.LiveSeats : SeatViews.Held(seats, now),
        Timestamp.From(license.ExpireAt),
        Timestamp.From(license.SupportExpireAt),
        Duration.From(license.HeartbeatInterval),
        license.CustomerName,
        license.Features,
        license.Revoked,
        license.Suspended,
        Timestamp.From(license.IssuedAt),
        withTokens && seats is not null ? SeatViews.Views(seats, now) : null);
}
