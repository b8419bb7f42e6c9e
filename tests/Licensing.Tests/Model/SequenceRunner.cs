using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Licensing.Storage;
using Licensing.Tests.Support;

namespace Licensing.Tests.Model;

/// <summary>
/// Runs one generated sequence against the real server on a fresh license and compares every answer with the
/// model; throws <see cref="ModelMismatchException"/> with the steps so far and both sides' view on a difference.
/// The model decides; the server's storage names (row keys, machine hashes) are used here only to find the stored
/// rows and token claims to compare.
/// </summary>
public sealed class SequenceRunner(ServerFixture server, ModelSequence sequence, RunTally tally)
{
    private readonly List<string> _trace = [];
    private readonly Dictionary<(int Machine, int Client), List<HeldToken>> _held = [];
    private readonly List<HeldToken> _allHeld = [];
    private readonly Dictionary<int, string> _tokenIdOfGrant = [];
    private readonly Dictionary<string, int> _grantOfTokenId = new(StringComparer.Ordinal);
    private readonly Dictionary<int, (string UserKey, string TokenId)> _trials = [];
    private LicenseModel _model = null!;
    private License _license = null!;
    private string _step = "";

    /// <summary>How many steps were started: after a failure, the failing one is the last.</summary>
    public int StepsRun { get; private set; }

    public async Task RunAsync()
    {
        _model = new LicenseModel(
            sequence.Mode, sequence.Seats, TimeSpan.FromSeconds(sequence.HeartbeatSeconds), sequence.StartAt, ModelServer.ActivationTokenLifetime, ModelServer.TokenRetention,
            TimeSpan.FromSeconds(sequence.MaxBorrowSeconds),
            sequence.OverageSeats,
            sequence.MaxTransfers,
            TimeSpan.FromSeconds(sequence.GraceSeconds));
        _trace.Add($"license mode {(int)sequence.Mode}, {sequence.Seats} seats + {sequence.OverageSeats} overage, maxTransfers {sequence.MaxTransfers}, maxBorrow {sequence.MaxBorrowSeconds}s, grace {sequence.GraceSeconds}s, heartbeat {sequence.HeartbeatSeconds}s, clock from {Show(sequence.StartAt)}, tables {sequence.TablePrefix}*");
        _step = "start: the server's clock";
        Check(server.Clock.GetUtcNow() == sequence.StartAt, "the server's clock at the start", sequence.StartAt, server.Clock.GetUtcNow(), "(clock)");
        _license = await server.CreateLicenseAsync(
            (int)sequence.Mode,
            sequence.Seats,
            sequence.HeartbeatSeconds,
            new { userKey = sequence.UserKey, maxBorrowDuration = new { seconds = sequence.MaxBorrowSeconds, nanos = 0 }, overageSeats = sequence.OverageSeats, maxTransfers = sequence.MaxTransfers,
                gracePeriod = new { seconds = sequence.GraceSeconds, nanos = 0 } });
        await server.SendForJsonAsync(HttpMethod.Post, "v1/admin/policies", new
        {
            name = "Model trial", productId = TrialProduct, licensingMode = 1, maxClientCount = 1,
            duration = new { seconds = (long)LicenseModel.TrialDuration.TotalSeconds, nanos = 0 }, features = new List<string> { "trial-pro" }, trial = true,
        }, ServerFixture.AdminKey);
        for (var i = 0; i < sequence.Ops.Length; i++)
        {
            StepsRun = i + 1;
            _step = $"{i + 1}. {sequence.Ops[i]}";
            _trace.Add(_step);
            await StepAsync(sequence.Ops[i]);
            tally.Step();
        }

        _step = "end of sequence: info and stored state";
        await InfoAsync();
        tally.Count("lapsed leases ended by a grant needing room", _model.Reclaimed);
        tally.Count("lapsed leases ended by the timer", _model.LapsedByTimer);
        tally.Count("ended seats purged by the timer", _model.Purged);
        tally.Count($"sequences of mode {(int)sequence.Mode}");
        tally.SequenceDone();
    }

    private Task StepAsync(ModelOp op) => op switch
    {
        ActivateOp a => ClientCallAsync("activate", "success", new { _license.UserKey, machineId = MachineId(a.Machine) }, _model.Activate(MachineId(a.Machine)), (a.Machine, 0)),
        DeactivateOp d => CountsCallAsync("deactivate", new { _license.UserKey, machineId = MachineId(d.Machine) }, () => _model.Deactivate(MachineId(d.Machine))),
        RequestOp r => ClientCallAsync("request", "granted", new { _license.UserKey, machineId = MachineId(r.Machine), clientId = ClientId(r.Client) }, _model.Request(MachineId(r.Machine), ClientId(r.Client)), (r.Machine, r.Client)),
        ValidateOp v => ClientCallAsync("validate", "success", new { _license.UserKey, machineId = MachineId(v.Machine), clientId = ClientId(v.Client) }, _model.Validate(MachineId(v.Machine), ClientId(v.Client)), (v.Machine, v.Client)),
        HeartbeatOp h => HeartbeatAsync(h),
        BorrowOp b => BorrowAsync(b),
        ReleaseOp r => ReleaseAsync(r),
        RevokeOp r => RevokeAsync(r),
        PatchOp p => PatchAsync(p.Patch),
        InfoOp => InfoAsync(),
        TrialOp t => TrialAsync(t.Machine),
        AdvanceOp a => AdvanceAsync(a),
        RunTimerOp => RunTimerAsync(),
        _ => throw new InvalidOperationException($"unknown step {op}"),
    };

    private const string TrialProduct = "model-trial";

    /// <summary>A trial answers the one license and activation the machine's first trial made, expired or not.</summary>
    private async Task TrialAsync(int machine)
    {
        var (first, expected) = _model.Trial(MachineId(machine));
        var (status, json) = await PostAsync("v1/license/trial", new { productId = TrialProduct, machineId = MachineId(machine) });
        var answer = json.RootElement;
        Check(status == 200, "HTTP status", "200", status.ToString(CultureInfo.InvariantCulture), answer);
        Check(Bool(answer, "success") == expected.Outcome, "success", expected.Outcome, Bool(answer, "success"), answer);
        Check(Text(answer, "reason") == expected.Reason, "reason", expected.Reason, Text(answer, "reason"), answer);
        Check(Int(answer, "activeClientCount") == expected.Active, "activeClientCount", expected.Active, Int(answer, "activeClientCount"), answer);
        Check(Time(answer, "tokenExpireAt") == expected.TokenExpireAt, "tokenExpireAt", expected.TokenExpireAt, Time(answer, "tokenExpireAt"), answer);
        var userKey = Text(answer, "userKey");
        var token = Text(answer, "licenseToken");
        if (first)
        {
            Check(userKey is not null && token is not null, "a first trial's userKey and token", "both", $"{userKey} {token}", answer);
            _trials[machine] = (userKey!, Payload(token!).GetProperty("tid").GetString()!);
        }
        else
        {
            Check(userKey == _trials[machine].UserKey, "the trial's userKey", _trials[machine].UserKey, userKey, answer);
        }

        if (token is not null)
        {
            Check(Payload(token).GetProperty("tid").GetString() == _trials[machine].TokenId, "the trial's activation", _trials[machine].TokenId, Payload(token).GetProperty("tid").GetString(), answer);
            Check(answer.GetProperty("license").GetProperty("entitlements").GetRawText() == """[{"code":"trial-pro"}]""", "the trial's entitlements",
                """[{"code":"trial-pro"}]""", answer.GetProperty("license").GetProperty("entitlements").GetRawText(), answer);
        }

        _trace.Add($"     -> {(first ? "trial made" : "same trial")}{(expected.Reason is { } reason ? ", " + reason : "")}");
        tally.Count($"trial: {(first ? "first" : "again")}{(expected.Outcome == true ? "" : " (expired)")}");
    }

    private Task HeartbeatAsync(HeartbeatOp op)
    {
        var (token, reference, machine) = Pick(op.Token);
        var machineId = op.AsMachine is { } m ? MachineId(m) : machine;
        var expected = _model.Heartbeat(reference, machineId);
        return ClientCallAsync("heartbeat", "active", new { licenseToken = token, machineId }, expected, slot: null);
    }

    private Task BorrowAsync(BorrowOp op)
    {
        var (token, reference, machine) = Pick(op.Token);
        var machineId = op.AsMachine is { } m ? MachineId(m) : machine;
        var expected = _model.Borrow(reference, machineId, TimeSpan.FromSeconds(op.Seconds));
        return ClientCallAsync("borrow", "borrowed", new { licenseToken = token, machineId, borrowFor = new { seconds = op.Seconds, nanos = 0 } }, expected, slot: null);
    }

    private Task ReleaseAsync(ReleaseOp op)
    {
        var (token, reference, machine) = Pick(op.Token);
        var machineId = op.AsMachine is { } m ? MachineId(m) : machine;
        return CountsCallAsync("release", new { licenseToken = token, machineId }, () => _model.Release(reference, machineId));
    }

    private async Task AdvanceAsync(AdvanceOp op)
    {
        if (op.Seconds == ModelGen.MonthSeconds)
        {
            // The timer runs every minute in production: a month without it would start past its first run's look-back.
            await RunTimerAsync();
        }

        var by = (_model.HeartbeatInterval * op.Intervals) + TimeSpan.FromSeconds(op.Seconds);
        server.Clock.Advance(by);
        _model.Advance(by);
        tally.Count(op.Seconds == ModelGen.MonthSeconds ? "clock: 30 days" : op.Intervals == 0 ? "clock: small step" : $"clock: {op.Intervals} interval(s) or more");
    }

    /// <summary>The sequence's server serves this license alone, so the run's counts are this license's, exactly.</summary>
    private async Task RunTimerAsync()
    {
        var work = _model.RunTimer();
        _trace.Add($"     -> records the lapse of [{string.Join(", ", work.Lapsed.Select(s => s.Key))}], purges [{string.Join(", ", work.Purged.Select(s => $"{s.Key} grant {s.Grant}"))}]");
        var run = await server.RunExpiryTimerAsync();
        Check(run.Lapsed == work.Lapsed.Count, "timer run's lapsed count", work.Lapsed.Count, run.Lapsed, run.ToString());
        Check(run.Purged == work.Purged.Count, "timer run's purged count", work.Purged.Count, run.Purged, run.ToString());
        Check(run.Complete, "timer run complete", true, run.Complete, run.ToString());
        tally.Count(work.Lapsed.Count > 0 ? "timer: recorded lapses" : "timer: no lapse to record");
        tally.Count(work.Purged.Count > 0 ? "timer: purged ended seats" : "timer: nothing to purge");
    }

    private async Task ClientCallAsync(string call, string flag, object body, Expected expected, (int Machine, int Client)? slot)
    {
        var (status, json) = await PostAsync($"v1/license/{call}", body);
        var answer = json.RootElement;
        Check(status == 200, "HTTP status", "200", status.ToString(CultureInfo.InvariantCulture), answer);
        Check(Bool(answer, flag) == expected.Outcome, flag, expected.Outcome, Bool(answer, flag), answer);
        Check(Text(answer, "reason") == expected.Reason, "reason", expected.Reason, Text(answer, "reason"), answer);
        Check(Int(answer, "activeClientCount") == expected.Active, "activeClientCount", expected.Active, Int(answer, "activeClientCount"), answer);
        Check(Int(answer, "maxClientCount") == expected.Max, "maxClientCount", expected.Max, Int(answer, "maxClientCount"), answer);
        Check(Time(answer, "tokenExpireAt") == expected.TokenExpireAt, "tokenExpireAt", expected.TokenExpireAt, Time(answer, "tokenExpireAt"), answer);
        if (call is "request" or "heartbeat")
        {
            var interval = answer.TryGetProperty("heartbeatInterval", out var d) && d.ValueKind == JsonValueKind.Object
                ? TimeSpan.FromSeconds(d.GetProperty("seconds").GetInt64())
                : (TimeSpan?)null;
            Check(interval == expected.HeartbeatInterval, "heartbeatInterval", expected.HeartbeatInterval, interval, answer);
        }

        if (answer.TryGetProperty("license", out var license) && license.ValueKind == JsonValueKind.Object)
        {
            var entitlements = license.GetProperty("entitlements").GetRawText();
            Check(entitlements == _model.EntitlementsJson(), "license.entitlements", _model.EntitlementsJson(), entitlements, answer);
        }

        var token = Text(answer, "licenseToken");
        Check((token is not null) == (expected.Token is not null), "licenseToken present", expected.Token is not null, token is not null, answer);
        // A call that succeeds while the license is in its grace says so (activate, request, heartbeat, validate); no other does.
        var graceEndsAt = call is "activate" or "request" or "heartbeat" or "validate" && expected.Outcome == true ? _model.GraceEndsAt : null;
        Check(Time(answer, "graceEndsAt") == graceEndsAt, "graceEndsAt", graceEndsAt, Time(answer, "graceEndsAt"), answer);
        Check(Bool(answer, "inGrace") == (graceEndsAt is null ? null : true), "inGrace", graceEndsAt is not null, Bool(answer, "inGrace"), answer);

        // The grant answers (activate, request, validate) flag an overage seat; borrow's answer has no such property.
        var overage = call != "borrow" && expected.Token?.Overage == true ? true : (bool?)null;
        Check(Bool(answer, "overage") == overage, "overage", overage, Bool(answer, "overage"), answer);
        var label = expected.Outcome == true ? "ok" : expected.Reason!;
        if (expected.Token is { } seat)
        {
            var isNew = CheckToken(token!, seat, expected.TokenExpireAt, answer);
            if (slot is { } held)
            {
                // A borrow's new token (no slot) is the same grant's: the tokens held already name it.
                Hold(held, token!, new TokenRef(seat.Key, seat.Grant, seat.Key.MachineId));
            }
            label = call == "request" ? isNew ? "granted a new lease" : "same lease renewed" : label;
            label = call == "activate" ? isNew ? "activated a new machine" : "same activation again" : label;
            label += isNew && seat.Overage ? " (overage)" : "";
        }

        _trace.Add($"     -> {label}, active {expected.Active}/{expected.Max}");
        tally.Count($"{call}: {label}");
        await FollowReclaimChoiceAsync();
    }

    /// <summary>
    /// A grant that had more lapsed leases to end than it needed: the stored rows say which it ended. Exactly as many
    /// as it needed, each recorded as lapsed, the others untouched.
    /// </summary>
    private async Task FollowReclaimChoiceAsync()
    {
        if (_model.PendingChoice is not { } choice)
        {
            return;
        }

        var rows = await server.StoredRowsAsync(_license.LicenseId);
        var stored = rows.ToDictionary(r => r.RowKey, r => r.GetString("State"), StringComparer.Ordinal);
        var ended = choice.Candidates.Where(s => stored.GetValueOrDefault(RowKeyOf(s.Key)) != SeatStateNames.Live).ToList();
        var states = string.Join(", ", choice.Candidates.Select(s => $"{s.Key} {stored.GetValueOrDefault(RowKeyOf(s.Key)) ?? "(no row)"}"));
        Check(
            ended.Count == choice.Needed && ended.All(s => stored.GetValueOrDefault(RowKeyOf(s.Key)) == SeatStateNames.Of(SeatEnd.Lapsed)),
            "the lapsed leases a grant ended",
            $"{choice.Needed} of the {choice.Candidates.Count} lapsed leases expired, the rest live",
            states,
            "(storage)");
        _model.Reclaim(ended);
        _trace.Add($"     -> the grant ended {string.Join(", ", ended.Select(s => s.Key))} (of {choice.Candidates.Count} lapsed)");
        tally.Count("request: chose among lapsed leases to end");
    }

    private async Task CountsCallAsync(string call, object body, Func<Expected> expect)
    {
        var liveBefore = _model.RecordedLive;
        var expected = expect();
        var (status, json) = await PostAsync($"v1/license/{call}", body);
        var answer = json.RootElement;
        Check(status == expected.Status, "HTTP status", expected.Status, status, answer);
        string label;
        if (expected.Status == 200)
        {
            Check(Int(answer, "activeClientCount") == expected.Active, "activeClientCount", expected.Active, Int(answer, "activeClientCount"), answer);
            Check(Int(answer, "maxClientCount") == expected.Max, "maxClientCount", expected.Max, Int(answer, "maxClientCount"), answer);
            label = _model.RecordedLive < liveBefore ? "ended a seat" : "no-op (nothing live)";
        }
        else
        {
            Check(Text(answer, "code") == expected.Code, "problem code", expected.Code, Text(answer, "code"), answer);
            label = $"{expected.Status} {expected.Code}";
        }

        _trace.Add($"     -> {label}");
        tally.Count($"{call}: {label}");
    }

    private async Task RevokeAsync(RevokeOp op)
    {
        var (token, reference, _) = Pick(op.Token);
        object body;
        if (op.ByPublicId)
        {
            // A forged token names no seat by its public id: a well-formed id that is nobody's.
            body = new { token = reference is null ? "fltk_" + new string('0', 16) : Payload(token).GetProperty("tid").GetString() };
        }
        else
        {
            body = new { licenseToken = token };
        }

        var (expected, view) = _model.RevokeToken(reference, op.ByPublicId);
        using var response = await server.SendAsync(HttpMethod.Post, $"v1/admin/licenses/{_license.LicenseId}/tokens/revoke", body, ServerFixture.AdminKey);
        var answer = (await ServerFixture.ReadJsonAsync(response)).RootElement;
        Check((int)response.StatusCode == expected.Status, "HTTP status", expected.Status, (int)response.StatusCode, answer);
        if (view is null)
        {
            Check(Text(answer, "code") == expected.Code, "problem code", expected.Code, Text(answer, "code"), answer);
        }
        else
        {
            CheckView(view, answer, isAdminView: true);
        }

        var label = view is null ? $"404 {expected.Code}" : "200";
        _trace.Add($"     -> {label}");
        tally.Count($"admin revoke: {label}");
    }

    private async Task PatchAsync(LicensePatch patch)
    {
        var refused = _model.Refuses(patch);
        var view = refused ? _model.View() : _model.Patch(patch);
        var body = new JsonObject();
        if (patch.MaxClientCount is { } max)
        {
            body["maxClientCount"] = max;
        }

        if (patch.Suspended is { } suspended)
        {
            body["suspended"] = suspended;
        }

        if (patch.Revoked is { } revoked)
        {
            body["revoked"] = revoked;
        }

        if (patch.ExpireAt != ExpiryChange.Unchanged)
        {
            body["expireAt"] = view.ExpireAt is { } at ? Stamp(at) : null;
        }

        if (patch.HeartbeatSeconds is { } seconds)
        {
            body["heartbeatInterval"] = new JsonObject { ["seconds"] = seconds, ["nanos"] = 0 };
        }

        if (patch.ExtrasSeconds is { } extras)
        {
            body["entitlements"] = new JsonArray(
                new JsonObject { ["code"] = "pro" },
                new JsonObject { ["code"] = "extras", ["value"] = extras, ["expireAt"] = Stamp(server.Clock.GetUtcNow() + TimeSpan.FromSeconds(extras)) });
        }

        using var response = await server.SendAsync(HttpMethod.Patch, $"v1/admin/licenses/{_license.LicenseId}", body, ServerFixture.AdminKey);
        var answer = (await ServerFixture.ReadJsonAsync(response)).RootElement;
        if (refused)
        {
            Check(response.StatusCode == HttpStatusCode.BadRequest && Text(answer, "code") == "validation_failed", "a PATCH below the overage seats", "400 validation_failed", $"{(int)response.StatusCode} {Text(answer, "code")}", answer);
            tally.Count("admin PATCH: refused below the overage seats");
            return;
        }

        Check(response.StatusCode == HttpStatusCode.OK, "HTTP status", 200, (int)response.StatusCode, answer);
        CheckView(view, answer, isAdminView: true);
        tally.Count("admin PATCH");
    }

    private async Task InfoAsync()
    {
        var (status, json) = await PostAsync("v1/license/info", new { _license.UserKey, machineId = MachineId(0) });
        var answer = json.RootElement;
        Check(status == 200, "HTTP status", 200, status, answer);
        CheckView(_model.View(), answer, isAdminView: false);
        await CheckStoredStateAsync();
        _trace.Add($"     -> held {_model.Held}, recorded live {_model.RecordedLive}, {_model.Seats.Count} seat rows");
        tally.Count("info (and stored state) compared");
    }

    /// <summary>info or the admin view: the license's state, the exact count, and every seat row it shows.</summary>
    private void CheckView(ExpectedView view, JsonElement answer, bool isAdminView)
    {
        Check(Int(answer, "activeClientCount") == view.Held, "activeClientCount (exact)", view.Held, Int(answer, "activeClientCount"), answer);
        Check(Int(answer, "maxClientCount") == view.Max, "maxClientCount", view.Max, Int(answer, "maxClientCount"), answer);
        Check(Bool(answer, "revoked") == view.Revoked, "revoked", view.Revoked, Bool(answer, "revoked"), answer);
        Check(Time(answer, "expireAt") == view.ExpireAt, "expireAt", view.ExpireAt, Time(answer, "expireAt"), answer);
        if (isAdminView)
        {
            Check(Bool(answer, "suspended") == view.Suspended, "suspended", view.Suspended, Bool(answer, "suspended"), answer);
            var interval = answer.GetProperty("heartbeatInterval").GetProperty("seconds").GetInt64();
            Check(interval == (long)view.HeartbeatInterval.TotalSeconds, "heartbeatInterval", view.HeartbeatInterval.TotalSeconds, interval, answer);
        }

        var tokens = answer.GetProperty("licenseTokens").EnumerateArray().ToList();
        Check(tokens.Count == view.Seats.Count, "licenseTokens count", view.Seats.Count, tokens.Count, answer);
        foreach (var shown in tokens)
        {
            var id = shown.GetProperty("token").GetString()!;
            var seat = _grantOfTokenId.TryGetValue(id, out var grant) ? view.Seats.FirstOrDefault(s => s.Grant == grant) : null;
            Check(seat is not null, "a shown token is a current grant", "a grant the model holds", id, answer);
            var now = _model.Now;
            var state = seat!.Ended(now) is { } end ? SeatStateNames.Of(end) : SeatStateNames.Live;
            // An ended token shows when it ended (a lapse: its expiry).
            var shownExpiry = seat.EndedAt is { } ended && ended < seat.ExpireAt ? ended : seat.ExpireAt;
            Check(Text(shown, "state") == state, $"state of {id}", state, Text(shown, "state"), shown);
            Check(Bool(shown, "revoked") == !seat.Holds(now), $"revoked of {id}", !seat.Holds(now), Bool(shown, "revoked"), shown);
            // Info (a client's view, asked as machine 0) masks other machines' ids; the admin view shows them all.
            if (isAdminView || seat.Key.MachineId == MachineId(0))
            {
                Check(Text(shown, "machineId") == seat.Key.MachineId, $"machineId of {id}", seat.Key.MachineId, Text(shown, "machineId"), shown);
                Check(Text(shown, "clientId") == seat.Key.ClientId, $"clientId of {id}", seat.Key.ClientId, Text(shown, "clientId"), shown);
            }
            else
            {
                Check(Text(shown, "machineId")?.StartsWith("masked_", StringComparison.Ordinal) == true, $"masked machineId of {id}", "masked_…", Text(shown, "machineId"), shown);
                Check((Text(shown, "clientId") is null) == (seat.Key.ClientId is null), $"clientId of {id} masked or absent", seat.Key.ClientId, Text(shown, "clientId"), shown);
            }

            Check(Time(shown, "expireAt") == shownExpiry, $"expireAt of {id}", shownExpiry, Time(shown, "expireAt"), shown);
            Check(Time(shown, "issuedAt") == seat.IssuedAt, $"issuedAt of {id}", seat.IssuedAt, Time(shown, "issuedAt"), shown);
            Check(Bool(shown, "overage") == (seat.Overage ? true : null), $"overage of {id}", seat.Overage, Bool(shown, "overage"), shown);
            Check(Time(shown, "lastHearbeat") == seat.LastHeartbeat, $"lastHearbeat of {id}", seat.LastHeartbeat, Time(shown, "lastHearbeat"), shown);
        }
    }

    /// <summary>The stored license row's counter and every stored seat row's state, straight from storage.</summary>
    private async Task CheckStoredStateAsync()
    {
        var rows = await server.StoredRowsAsync(_license.LicenseId);
        var live = rows.Single(r => r.RowKey == TableKeys.LicenseRow).GetInt32("LiveSeats");
        var seats = rows.Where(r => TableKeys.IsSeatRow(r.RowKey)).ToList();
        Check(live == _model.RecordedLive, "stored LiveSeats", _model.RecordedLive, live, "(storage)");
        Check(seats.Count == _model.Seats.Count, "stored seat rows", _model.Seats.Count, seats.Count, "(storage)");
        var modelSeatOfRow = _model.Seats.ToDictionary(s => RowKeyOf(s.Key), StringComparer.Ordinal);
        foreach (var row in seats)
        {
            var seat = modelSeatOfRow.GetValueOrDefault(row.RowKey);
            var state = seat is null ? null : seat.Recorded is { } end ? SeatStateNames.Of(end) : SeatStateNames.Live;
            Check(seat is not null && row.GetString("State") == state, $"stored state of {row.RowKey}", state, row.GetString("State"), "(storage)");
            Check((row.GetBoolean("Overage") ?? false) == seat!.Overage, $"stored overage flag of {row.RowKey}", seat.Overage, row.GetBoolean("Overage"), "(storage)");
            Check(_tokenIdOfGrant.GetValueOrDefault(seat.Grant) == row.GetString("TokenId"), $"stored token id of {row.RowKey}", _tokenIdOfGrant.GetValueOrDefault(seat.Grant), row.GetString("TokenId"), "(storage)");
        }
    }

    /// <summary>A returned token names the expected row, machine and grant: the same grant's id again, or a new id. True when new.</summary>
    private bool CheckToken(string token, ModelSeat seat, DateTimeOffset? expireAt, JsonElement answer)
    {
        var claims = Payload(token);
        var id = claims.GetProperty("tid").GetString()!;
        Check(claims.GetProperty("seat").GetString() == RowKeyOf(seat.Key), "token's seat row", RowKeyOf(seat.Key), claims.GetProperty("seat").GetString(), answer);
        Check(claims.GetProperty("lid").GetString() == _license.LicenseId, "token's license", _license.LicenseId, claims.GetProperty("lid").GetString(), answer);
        Check(claims.GetProperty("mid").GetString() == TableKeys.MachineHash(seat.Key.MachineId), "token's machine", seat.Key.MachineId, "another machine's hash", answer);
        if (!seat.IsLease)
        {
            var exp = claims.TryGetProperty("exp", out var e) ? e.GetInt64() : (long?)null;
            Check(exp == expireAt?.ToUnixTimeSeconds(), "activation token's exp", expireAt?.ToUnixTimeSeconds(), exp, answer);
        }

        if (_tokenIdOfGrant.TryGetValue(seat.Grant, out var known))
        {
            Check(known == id, "token id (the same grant)", known, id, answer);
            return false;
        }

        Check(!_grantOfTokenId.ContainsKey(id), "token id (a new grant)", "a new id", $"{id}, the id of grant {_grantOfTokenId.GetValueOrDefault(id)}", answer);
        _tokenIdOfGrant[seat.Grant] = id;
        _grantOfTokenId[id] = seat.Grant;
        return true;
    }

    private void Hold((int Machine, int Client) slot, string token, TokenRef reference)
    {
        var held = new HeldToken(token, reference);
        if (!_held.TryGetValue(slot, out var list))
        {
            _held[slot] = list = [];
        }

        list.Insert(0, held);
        _allHeld.Insert(0, held);
    }

    /// <summary>
    /// The token a step presents, with the machine it was issued to: the slot's newest or an older one; a slot that
    /// was never given one borrows the sequence's tokens; none at all is garbage. A forged token's reference is null.
    /// </summary>
    private (string Token, TokenRef? Reference, string MachineId) Pick(TokenPick pick)
    {
        var list = _held.TryGetValue((pick.Machine, pick.Client), out var own) && own.Count > 0 ? own : _allHeld;
        if (list.Count == 0)
        {
            return ("not-a-token", null, MachineId(pick.Machine));
        }

        var index = list == own ? Math.Min(pick.Age, list.Count - 1) : ((pick.Machine * ModelGen.Clients) + pick.Client + pick.Age) % list.Count;
        var held = list[index];
        return pick.Forged ? (Forge(held.Token), null, held.Reference.MachineId) : (held.Token, held.Reference, held.Reference.MachineId);
    }

    /// <summary>The same token with one character of its signature changed: it must not verify.</summary>
    private static string Forge(string token)
    {
        var at = token.LastIndexOf('.') + 5;
        var replacement = token[at] == 'A' ? 'B' : 'A';
        return string.Concat(token.AsSpan(0, at), replacement.ToString(), token.AsSpan(at + 1));
    }

    private static JsonElement Payload(string token) =>
        JsonDocument.Parse(Base64Url.DecodeFromChars(token.Split('.')[1])).RootElement;

    private async Task<(int Status, JsonDocument Json)> PostAsync(string route, object body)
    {
        using var response = await server.PostAsync(route, body);
        return ((int)response.StatusCode, await ServerFixture.ReadJsonAsync(response));
    }

    private void Check(bool holds, string what, object? expected, object? actual, object answer)
    {
        if (holds)
        {
            return;
        }

        var text = new StringBuilder();
        text.AppendLine($"The server and the model disagree on {what} at step {_step}");
        text.AppendLine($"  expected (model): {Show(expected)}");
        text.AppendLine($"  actual (server):  {Show(actual)}");
        text.AppendLine($"  answer: {(answer is JsonElement json ? json.GetRawText() : answer)}");
        text.AppendLine($"  model now {Show(_model.Now)}, recorded live {_model.RecordedLive}, held {_model.Held}, max {_model.Max}; seats:");
        foreach (var seat in _model.Seats.OrderBy(s => s.Grant))
        {
            var state = seat.Ended(_model.Now) is { } end ? SeatStateNames.Of(end) + (seat.Recorded is null ? " (not recorded yet)" : "") : SeatStateNames.Live;
            text.AppendLine($"    {seat.Key} grant {seat.Grant} {state}, expires {seat.ExpireAt:HH:mm:ss.fff}, ended {seat.EndedAt:HH:mm:ss.fff}");
        }

        text.AppendLine("Steps run (with what the model expected):");
        text.AppendJoin('\n', _trace);
        throw new ModelMismatchException(text.ToString());
    }

    private static string Show(object? value) => value switch
    {
        null => "(none)",
        DateTimeOffset at => at.ToString("O", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>The stored row of a model seat (storage's naming, used only to find rows and claims to compare).</summary>
    private static string RowKeyOf(SeatKey key) =>
        key.ClientId is { } client ? TableKeys.LeaseRow(key.MachineId, client) : TableKeys.ActivationRow(key.MachineId);

    private static string MachineId(int machine) => $"m{machine}";

    private static string ClientId(int client) => $"c{client}";

    private static JsonObject Stamp(DateTimeOffset at)
    {
        var ticks = at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        return new JsonObject { ["seconds"] = ticks / TimeSpan.TicksPerSecond, ["nanos"] = (int)(ticks % TimeSpan.TicksPerSecond * 100) };
    }

    private static bool? Bool(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null;

    private static int? Int(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static DateTimeOffset? Time(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object
            ? DateTimeOffset.UnixEpoch.AddTicks((v.GetProperty("seconds").GetInt64() * TimeSpan.TicksPerSecond) + (v.GetProperty("nanos").GetInt32() / 100))
            : null;

    private sealed record HeldToken(string Token, TokenRef Reference);
}
