namespace Licensing.Http;

/// <summary>
/// The one place where the services' outcomes become answers: the reference's wire bodies, the admin views, and the
/// status and problem details of each refusal.
/// </summary>
public static partial class Answers
{
    /// <summary>An outcome's value as <paramref name="answer"/> writes it, or its refusal as a problem.</summary>
    public static IActionResult From<T>(Outcome<T> outcome, Func<T, IActionResult> answer)
        where T : class =>
        outcome.Refused is { } refusal ? Refused(refusal) : answer(outcome.Value!);

    /// <summary>
    /// A refusal's status: a field the request got wrong is 400, a duplicate (<c>user_key_in_use</c>), a call that
    /// does not apply to the license's mode and a move past the license's transfer limit are 409, everything else (an unknown license, token, seat or key; another
    /// machine's token) is 404.
    /// </summary>
    public static IActionResult Refused(Refusal refusal) => refusal switch
    {
        { Field: { } field } => Problems.Validation(new Dictionary<string, string[]> { [field] = [refusal.Detail] }),
        { Reason: RefusalCodes.UserKeyInUse or RefusalCodes.TrialPolicyExists } => Problems.Conflict(refusal.Reason, refusal.Detail),
        { Reason: Reasons.WrongLicensingMode or Reasons.TransferLimitReached } => Problems.Reason(409, refusal.Reason, refusal.Detail),
        _ => Problems.Reason(404, refusal.Reason, refusal.Detail),
    };

    /// <summary>activate and validate.</summary>
    public static IActionResult Activation(SeatDecision decision) =>
        ApiResult.Ok(ActivationBody(decision), ApiJson.Wire.ActivateLicenseResponse)
            .Noting(decision.DeniedReason, decision.License?.LicenseId, decision.ActiveClientCount);

    /// <summary>trial: activate's answer with the trial license's user key (and neither overage nor meters).</summary>
    public static IActionResult Trial(TrialDecision trial)
    {
        var (decision, body) = (trial.Activation, ActivationBody(trial.Activation));
        return ApiResult.Ok(
            new TrialLicenseResponse(
                body.Success, body.LicenseToken, body.TokenExpireAt, body.ActiveClientCount, body.MaxClientCount, body.License, trial.UserKey,
                body.Reason, body.Message, body.InGrace, body.GraceEndsAt),
            ApiJson.Wire.TrialLicenseResponse).Noting(decision.DeniedReason, decision.License?.LicenseId, decision.ActiveClientCount);
    }

    /// <summary>request: activate's answer as a lease (<c>granted</c>, with the heartbeat interval, without meters).</summary>
    public static IActionResult Lease(SeatDecision decision)
    {
        var body = ActivationBody(decision);
        return ApiResult.Ok(
            new RequestLicenseResponse(
                Granted: body.Success, body.LicenseToken, body.TokenExpireAt, Duration.From(decision.HeartbeatInterval),
                body.ActiveClientCount, body.MaxClientCount, body.License, body.Reason, body.Message, body.InGrace, body.GraceEndsAt, body.Overage),
            ApiJson.Wire.RequestLicenseResponse).Noting(decision.DeniedReason, decision.License?.LicenseId, decision.ActiveClientCount);
    }

    private static ActivateLicenseResponse ActivationBody(SeatDecision decision) => new(
        Success: decision.DeniedReason is null,
        decision.Token?.Token,
        Timestamp.From(decision.Token?.ExpireAt),
        decision.ActiveClientCount,
        decision.MaxClientCount,
        Summary(decision.License),
        decision.DeniedReason,
        Message(decision.DeniedReason),
        InGrace(decision.GraceEndsAt),
        Timestamp.From(decision.GraceEndsAt),
        OverageFlag(decision.Overage),
        decision.Meters is { } meters ? MeterViews(meters) : null);

    public static IActionResult Heartbeat(LeaseRenewal renewal) => ApiResult.Ok(
        new HeartbeatResponse(
            Active: renewal.DeniedReason is null,
            renewal.ActiveClientCount,
            renewal.MaxClientCount,
            Timestamp.From(renewal.TokenExpireAt),
            Duration.From(renewal.HeartbeatInterval),
            renewal.DeniedReason,
            Message(renewal.DeniedReason),
            InGrace(renewal.GraceEndsAt),
            Timestamp.From(renewal.GraceEndsAt)),
        ApiJson.Wire.HeartbeatResponse).Noting(renewal.DeniedReason, licenseId: null, renewal.ActiveClientCount);

    public static IActionResult Borrow(LeaseBorrow borrow) => ApiResult.Ok(
        new BorrowLicenseResponse(
            Borrowed: borrow.DeniedReason is null,
            borrow.Token?.Token,
            Timestamp.From(borrow.Token?.ExpireAt),
            borrow.ActiveClientCount,
            borrow.MaxClientCount,
            borrow.DeniedReason,
            Message(borrow.DeniedReason)),
        ApiJson.Wire.BorrowLicenseResponse).Noting(borrow.DeniedReason, licenseId: null, borrow.ActiveClientCount);

    public static IActionResult OfflineActivation(Offline.OfflineActivation activation) => ApiResult.Ok(
        new OfflineActivateResponse(activation.DeniedReason is null, activation.Response, activation.DeniedReason, Message(activation.DeniedReason)),
        ApiJson.Wire.OfflineActivateResponse).Noting(activation.DeniedReason, activation.LicenseId, activation.ActiveClientCount);

    public static IActionResult OfflineDeactivation(Offline.OfflineDeactivation deactivation) => ApiResult.Ok(
        new OfflineDeactivateResponse(
            deactivation.DeniedReason is null,
            deactivation.Count?.LicenseId,
            deactivation.Count?.ActiveClientCount,
            deactivation.Count?.MaxClientCount,
            deactivation.DeniedReason,
            Message(deactivation.DeniedReason)),
        ApiJson.Wire.OfflineDeactivateResponse).Noting(deactivation.DeniedReason, deactivation.Count?.LicenseId, deactivation.Count?.ActiveClientCount);

    /// <summary>deactivate and release.</summary>
    public static IActionResult Counts(SeatCount count) =>
        ApiResult.Ok(new SeatCountResponse(count.LicenseId, count.ActiveClientCount, count.MaxClientCount), ApiJson.Wire.SeatCountResponse)
            .Noting(reason: null, count.LicenseId, count.ActiveClientCount);

    public static IActionResult Info(LicenseHoldings holdings)
    {
        var (license, seats, at) = (holdings.License, holdings.Seats ?? [], holdings.At);
        var graceEndsAt = LicenseRules.GraceEndsAt(license, at);
        return ApiResult.Ok(
            new LicenseInfoResponse(
                TokenViews(seats, at),
                license.LicenseId,
                license.MaxClientCount,
                LicenseRules.HeldSeats(seats, at),
                (int)license.Mode,
                license.Revoked,
                Timestamp.From(license.IssuedAt),
                Timestamp.From(license.ExpireAt),
                Timestamp.From(license.SupportExpireAt),
                holdings.Truncated,
                MeterViews(MetersOf(holdings) ?? []),
                InGrace(graceEndsAt),
                Timestamp.From(graceEndsAt)),
            ApiJson.Wire.LicenseInfoResponse).Noting(reason: null, license.LicenseId, LicenseRules.HeldSeats(seats, at));
    }

    /// <summary>The admin license view with its tokens (get, patch, revoke).</summary>
    public static IActionResult License(LicenseHoldings holdings) =>
        ApiResult.Ok(ViewOf(holdings, withTokens: true), ApiJson.Wire.LicenseView).Noting(reason: null, holdings.License.LicenseId, seatsInUse: null);

    public static IActionResult CreatedLicense(LicenseRow license) =>
        ApiResult.Created(ViewOf(new LicenseHoldings(license, [], license.IssuedAt) { Meters = [] }, withTokens: false), ApiJson.Wire.LicenseView)
            .Noting(reason: null, license.LicenseId, seatsInUse: 0);

    /// <summary>A page of license views; activeClientCount here is the stored count of live seat rows.</summary>
    public static IActionResult Licenses(LicenseRowPage page) => ApiResult.Ok(
        new LicensePage(page.Licenses.Select(l => ViewOf(new LicenseHoldings(l, Seats: null, l.IssuedAt), withTokens: false)).ToArray(), page.Next),
        ApiJson.Wire.LicensePage);

    /// <summary>A page of a license's seats, in storage order (the admin seats route).</summary>
    public static IActionResult Seats(SeatPage page) =>
        ApiResult.Ok(new LicenseTokenPage(TokenViews(page.Seats, page.At), page.Next), ApiJson.Wire.LicenseTokenPage);

    public static IActionResult Events(AuditPage page) =>
        ApiResult.Ok(new AuditEventPage(page.Events.Select(EventView).ToArray(), page.Next), ApiJson.Wire.AuditEventPage);

    public static IActionResult Usage(UsageReport report) => ApiResult.Ok(
        new UsageView(report.Hours.Select(h => new UsageHourView(
            Timestamp.From(h.Hour), h.PeakSeats, h.Grants, h.Denials, h.Meters.Select(m => new MeterUnitsView(m.Code, m.Units)).ToArray())).ToArray()),
        ApiJson.Wire.UsageView);

    public static IActionResult CreatedKey(ApiKeyRow row, string key) =>
        ApiResult.Created(new CreatedApiKey(row.Id, row.Name, row.Scope, row.ProductId, Timestamp.From(row.CreatedAt), Timestamp.From(row.ExpiresAt), key), ApiJson.Wire.CreatedApiKey);

    public static IActionResult Keys(IReadOnlyList<ApiKeyRow> rows) => ApiResult.Ok(
        new ApiKeyList(rows.Select(r => new ApiKeyView(r.Id, r.Name, r.Scope, r.ProductId, Timestamp.From(r.CreatedAt), Timestamp.From(r.ExpiresAt))).ToArray()),
        ApiJson.Wire.ApiKeyList);

    public static IActionResult Policy(PolicyRow policy) => ApiResult.Ok(PolicyViewOf(policy), ApiJson.Wire.PolicyView);

    public static IActionResult CreatedPolicy(PolicyRow policy) => ApiResult.Created(PolicyViewOf(policy), ApiJson.Wire.PolicyView);

    public static IActionResult Policies(Admin.PolicyRowPage page) =>
        ApiResult.Ok(new PolicyPage(page.Policies.Select(PolicyViewOf).ToArray(), page.Next), ApiJson.Wire.PolicyPage);

    private static PolicyView PolicyViewOf(PolicyRow policy) => new(
        policy.PolicyId,
        policy.Name,
        policy.ProductId,
        (int)policy.Mode,
        policy.MaxClientCount,
        Duration.From(policy.Duration),
        Duration.From(policy.SupportDuration),
        Duration.From(policy.HeartbeatInterval),
        Duration.From(policy.GracePeriod),
        Duration.From(policy.MaxBorrowDuration),
        policy.Entitlements.Select(e => e.Code).ToArray(),
        EntitlementViews.Of(policy.Entitlements),
        policy.Trial,
        Timestamp.From(policy.CreatedAt),
        policy.OverageSeats,
        policy.MaxTransfers,
        policy.Meters.Select(m => new MeterTermsView(m.Code, m.Limit, Meter.PeriodName(m.Period), m.Overage)).ToArray(),
        policy.Portal);

    private static string? Message(string? reason) => reason is null ? null : Reasons.Message(reason);

    /// <summary><c>inGrace: true</c> while the license is in its grace period; absent otherwise, like <c>graceEndsAt</c>.</summary>
    private static bool? InGrace(DateTimeOffset? graceEndsAt) => graceEndsAt is null ? null : true;

    /// <summary>An overage seat says so (<c>overage: true</c>); any other leaves the property out.</summary>
    private static bool? OverageFlag(bool overage) => overage ? true : null;

    private static LicenseSummary? Summary(IssuedLicense? license) => license is null
        ? null
        : new LicenseSummary(
            license.LicenseId,
            (int)license.Mode,
            Timestamp.From(license.ExpireAt),
            Timestamp.From(license.SupportExpireAt),
            Encoding.ASCII.GetBytes(license.SignedDocument),
            EntitlementViews.Of(license.Entitlements));

    private static LicenseView ViewOf(LicenseHoldings holdings, bool withTokens)
    {
        var (license, seats, at) = (holdings.License, holdings.Seats, holdings.At);
        return new LicenseView(
            license.LicenseId,
            license.UserKey,
            license.ProductId,
            (int)license.Mode,
            license.MaxClientCount,
            seats is null ? license.LiveSeats : LicenseRules.HeldSeats(seats, at),
            Timestamp.From(license.ExpireAt),
            Timestamp.From(license.SupportExpireAt),
            Duration.From(license.HeartbeatInterval),
            Duration.From(license.GracePeriod),
            Duration.From(license.MaxBorrowDuration),
            license.CustomerName,
            license.Features,
            license.Revoked,
            license.Suspended,
            Timestamp.From(license.IssuedAt),
            EntitlementViews.Of(license.Entitlements),
            license.PolicyId,
            license.OverageSeats,
            license.MaxTransfers,
            license.Portal,
            MetersOf(holdings) is { } meters ? MeterViews(meters) : null,
            withTokens && seats is not null ? TokenViews(seats, at) : null,
            withTokens && seats is not null ? holdings.Truncated : null);
    }

    /// <summary>The license's meters and their standings when its meter rows were read with it.</summary>
    private static IReadOnlyList<Metering.MeterReport>? MetersOf(LicenseHoldings holdings) =>
        holdings.Meters is { } rows ? Metering.MeterReport.Of(holdings.License, rows, holdings.At) : null;

    private static MeterView[] MeterViews(IReadOnlyList<Metering.MeterReport> meters) => meters.Select(m => new MeterView(
        m.Meter.Code,
        m.Standing.Used,
        m.Standing.Limit,
        m.Standing.Remaining,
        Timestamp.From(m.Standing.PeriodEndsAt),
        Meter.PeriodName(m.Meter.Period),
        m.Meter.Overage)).ToArray();

    /// <summary>Seats as info and the admin API show them, oldest first: <c>token</c> is the public id, never the bearer token.</summary>
    private static LicenseTokenView[] TokenViews(IEnumerable<SeatRow> seats, DateTimeOffset at) =>
        seats.OrderBy(s => s.IssuedAt).Select(seat => new LicenseTokenView(
            seat.TokenId,
            seat.LicenseId,
            Revoked: !LicenseRules.HoldsSeat(seat, at),
            seat.ClientId,
            seat.ClientAddr,
            seat.ClientName,
            seat.MachineId,
            Timestamp.From(seat.IssuedAt),
            Timestamp.From(seat.EndedAt is { } ended && ended < seat.ExpireAt ? ended : seat.ExpireAt),
            Timestamp.From(seat.LastHeartbeat),
            seat.State == SeatState.Live && !LicenseRules.HoldsSeat(seat, at) ? SeatState.Expired : seat.State,
            OverageFlag(seat.Overage))).ToArray();

    private static AuditEventView EventView(AuditEventRow row) => new(
        TableKeys.EventIdOf(row.RowKey),
        row.PartitionKey == TableKeys.ApiKeyPartition ? null : row.PartitionKey,
        row.ApiKeyId,
        row.Type,
        Timestamp.From(row.At),
        row.Actor,
        row.ClientAddr,
        row.TokenId,
        row.MachineId,
        row.ClientId,
        row.ClientName,
        row.Changes is { } changes ? ParseChanges(changes) : null,
        row.Overage is true ? true : null,
        row.Offline is true ? true : null);

    private static JsonElement ParseChanges(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
