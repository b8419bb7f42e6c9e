namespace Licensing.Tests.Model;

/// <summary>Which seat: a machine's activation (no client) or a (machine, client) lease.</summary>
public sealed record SeatKey(string MachineId, string? ClientId)
{
    public bool IsLease => ClientId is not null;

    public static SeatKey Activation(string machineId) => new(machineId, null);

    public static SeatKey Lease(string machineId, string clientId) => new(machineId, clientId);

    public override string ToString() => $"{MachineId}/{ClientId ?? "-"}";
}

/// <summary>One seat as the model sees it; a new grant of the same key replaces it.</summary>
public sealed class ModelSeat
{
    public required SeatKey Key { get; init; }

    /// <summary>Which grant this is; a token names its grant, so an older token of the same key is not this seat's.</summary>
    public required int Grant { get; init; }
    public DateTimeOffset IssuedAt { get; init; }
    public DateTimeOffset ExpireAt { get; set; }
    public DateTimeOffset LastHeartbeat { get; set; }

    /// <summary>A borrowed lease's end: no heartbeat shortens the lease before it.</summary>
    public DateTimeOffset? BorrowedUntil { get; set; }

    /// <summary>How the seat's end was recorded (null: still recorded as live, even if it lapsed since).</summary>
    public SeatEnd? Recorded { get; private set; }

    /// <summary>Granted beyond maxClientCount: the seats recorded live, counted with it, exceeded the limit.</summary>
    public bool Overage { get; init; }
    public DateTimeOffset? EndedAt { get; private set; }

    public bool IsLease => Key.IsLease;

    /// <summary>A seat holds its place while not ended and, for a lease, until its expiry passes.</summary>
    public bool Holds(DateTimeOffset now) => Recorded is null && (!IsLease || ExpireAt > now);

    /// <summary>A lease whose expiry passed ended then, as lapsed, though no call has recorded it yet.</summary>
    public bool LapsedUnrecorded(DateTimeOffset now) => Recorded is null && IsLease && ExpireAt <= now;

    /// <summary>How the seat ended as the contract sees it (a lapse counts from the expiry on), or null while held.</summary>
    public SeatEnd? Ended(DateTimeOffset now) => Recorded ?? (LapsedUnrecorded(now) ? SeatEnd.Lapsed : null);

    /// <summary>Records an end; a lapse is recorded as of the lease's expiry, whichever call finds it.</summary>
    public void Record(SeatEnd end, DateTimeOffset now)
    {
        Recorded = end;
        EndedAt = end == SeatEnd.Lapsed ? ExpireAt : now;
    }
}

/// <summary>A token the test holds: which seat and grant it was issued for, and for which machine.</summary>
public sealed record TokenRef(SeatKey Key, int Grant, string MachineId);

/// <summary>What one client call must answer.</summary>
public sealed record Expected(int Status, bool? Outcome = null, string? Reason = null, int? Active = null, int? Max = null)
{
    /// <summary>The grant whose token the answer carries (null: no token).</summary>
    public ModelSeat? Token { get; init; }
    public DateTimeOffset? TokenExpireAt { get; init; }
    public TimeSpan? HeartbeatInterval { get; init; }

    /// <summary>The problem's code of a 4xx answer.</summary>
    public string? Code { get; init; }

    public static Expected Problem(int status, string code) => new(status) { Code = code };
}

/// <summary>The license and what info (and the admin view) must show of it.</summary>
public sealed record ExpectedView(int Held, int Max, bool Revoked, bool Suspended, DateTimeOffset? ExpireAt, TimeSpan HeartbeatInterval, IReadOnlyList<ModelSeat> Seats);

/// <summary>
/// A grant needed room and more leases had lapsed than it needed: it ends exactly <c>Needed</c> of the
/// <c>Candidates</c>, and the contract leaves which to the server. The runner learns the choice from storage.
/// </summary>
public sealed record ReclaimChoice(IReadOnlyList<ModelSeat> Candidates, int Needed);

/// <summary>What one timer run must do: leases it records as lapsed, ended seats it purges.</summary>
public sealed record TimerWork(IReadOnlyList<ModelSeat> Lapsed, IReadOnlyList<ModelSeat> Purged);

/// <summary>
/// An in-memory model of one license, written from CONTRACT.md ("Behaviour", "Edge cases, decided", "Outcomes and
/// errors"), with the README's documented choices where the contract leaves room:
/// <list type="bullet">
/// <item>activeClientCount of the calls is the count of seats recorded live: a lease that lapsed still counts there
/// until a call or the timer records its lapse; info and the admin view count the seats held, exactly.</item>
/// <item>a grant that needs room records the lapse of only as many lapsed leases as it needs; which ones is the
/// server's choice (<see cref="ReclaimChoice"/>).</item>
/// <item>the timer records every lapse, and purges a seat at its first run once the retention has passed since the
/// seat ended.</item>
/// <item>a grant is overage when the seats recorded live, counted with it, exceed maxClientCount; a PATCH that would
/// leave overageSeats above maxClientCount is refused (400).</item>
/// <item>every deactivation of a live activation is a move; an admin's revoke is not.</item>
/// </list>
/// </summary>
public sealed class LicenseModel(
    ModelMode mode, int maxClientCount, TimeSpan heartbeatInterval, DateTimeOffset now, TimeSpan activationLifetime, TimeSpan retention, TimeSpan maxBorrow = default,
    int overageSeats = 0, int maxTransfers = 0, TimeSpan grace = default)
{
    /// <summary>The license's gracePeriod: calls keep working this long after <see cref="ExpireAt"/>.</summary>
    public TimeSpan Grace { get; } = grace;

    /// <summary>When the license stops working: its expiry plus its grace (null: perpetual).</summary>
    public DateTimeOffset? UsableUntil => ExpireAt + Grace;

    /// <summary>The end of the grace while the license is in it (expired, not yet past its grace); else null.</summary>
    public DateTimeOffset? GraceEndsAt => ExpireAt is { } at && at <= Now && Now < at + Grace ? at + Grace : null;

    /// <summary>The license's maxBorrowDuration: zero, borrowing is not allowed.</summary>
    public TimeSpan MaxBorrow { get; } = maxBorrow;

    /// <summary>The rolling window of the contract's transfer limit.</summary>
    public static readonly TimeSpan TransferWindow = TimeSpan.FromDays(30);

    private readonly Dictionary<SeatKey, ModelSeat> _seats = [];
    private readonly List<DateTimeOffset> _deactivations = [];
    private int _grants;

    public ModelMode Mode { get; } = mode;
    public int Max { get; private set; } = maxClientCount;
    public int Overage { get; } = overageSeats;
    public int MaxTransfers { get; } = maxTransfers;
    public TimeSpan HeartbeatInterval { get; private set; } = heartbeatInterval;
    public DateTimeOffset Now { get; private set; } = now;
    public DateTimeOffset? ExpireAt { get; private set; }
    public bool Revoked { get; private set; }
    public bool Suspended { get; private set; }

    /// <summary>Set by a grant whose choice of lapsed leases is the server's, until <see cref="Reclaim"/> is told it.</summary>
    public ReclaimChoice? PendingChoice { get; private set; }

    /// <summary>Lapses recorded by a grant needing room, by the timer, and seats purged (for the run's tally).</summary>
    public int Reclaimed { get; private set; }
    public int LapsedByTimer { get; private set; }
    public int Purged { get; private set; }

    public IReadOnlyCollection<ModelSeat> Seats => _seats.Values;

    /// <summary>Seats recorded live, lapsed or not: what the calls' activeClientCount states.</summary>
    public int RecordedLive => _seats.Values.Count(s => s.Recorded is null);

    /// <summary>Seats held now: what info counts.</summary>
    public int Held => _seats.Values.Count(s => s.Holds(Now));

    public ModelSeat? Seat(SeatKey key) => _seats.GetValueOrDefault(key);

    public void Advance(TimeSpan by) => Now += by;

    public Expected Activate(string machineId)
    {
        if (Deny(ModelMode.Activation) is { } reason)
        {
            return Denied(reason, RecordedLive);
        }

        var key = SeatKey.Activation(machineId);
        if (Seat(key) is { Recorded: null } seat)
        {
            return Ok(seat, Cap(seat.ExpireAt));
        }

        if (Held >= Max + Overage)
        {
            return Denied(ContractReasons.SeatsExhausted, Held);
        }

        if (MaxTransfers > 0 && _deactivations.Count(at => at > Now - TransferWindow) > MaxTransfers)
        {
            return Denied(ContractReasons.TransferLimitReached, Held);
        }

        var granted = NewGrant(key, Cap(Now + activationLifetime), overage: RecordedLive + 1 > Max);
        return Ok(granted, granted.ExpireAt);
    }

    /// <summary>Not refused for the license's state; a machine without an activation changes nothing.</summary>
    public Expected Deactivate(string machineId)
    {
        if (Mode != ModelMode.Activation)
        {
            return Expected.Problem(409, ContractReasons.WrongLicensingMode);
        }

        if (Seat(SeatKey.Activation(machineId)) is { Recorded: null } seat)
        {
            seat.Record(SeatEnd.Deactivated, Now);
            _deactivations.Add(Now);
        }

        return Counts();
    }

    public Expected Request(string machineId, string clientId)
    {
        if (Deny(ModelMode.Floating) is { } reason)
        {
            return Denied(reason, RecordedLive) with { HeartbeatInterval = HeartbeatInterval };
        }

        var key = SeatKey.Lease(machineId, clientId);
        var own = Seat(key);
        var expireAt = Cap(Now + HeartbeatInterval + HeartbeatInterval);
        if (own is not null && own.Holds(Now))
        {
            expireAt = Renewed(own);
            own.ExpireAt = expireAt;
            own.LastHeartbeat = Now;
            return Ok(own, expireAt) with { HeartbeatInterval = HeartbeatInterval };
        }

        // The pair's own ended or lapsed seat is replaced by the new grant; the others recorded live must leave room.
        var others = _seats.Values.Where(s => s.Key != key && s.Recorded is null).ToList();
        var lapsed = others.Where(s => s.LapsedUnrecorded(Now)).ToList();
        var needed = Math.Max(0, others.Count - (Max + Overage) + 1);
        if (lapsed.Count < needed)
        {
            return Denied(ContractReasons.SeatsExhausted, Held) with { HeartbeatInterval = HeartbeatInterval };
        }

        if (needed == lapsed.Count)
        {
            Reclaim(lapsed);
        }
        else if (needed > 0)
        {
            PendingChoice = new ReclaimChoice(lapsed, needed);
        }

        var active = others.Count - needed + 1;
        var granted = NewGrant(key, expireAt, overage: active > Max);
        return Ok(granted, expireAt) with { Active = active, HeartbeatInterval = HeartbeatInterval };
    }

    /// <summary>Records the lapse of the leases a grant ended to make room (all of them, or the server's choice).</summary>
    public void Reclaim(IReadOnlyCollection<ModelSeat> ended)
    {
        foreach (var seat in ended)
        {
            seat.Record(SeatEnd.Lapsed, Now);
            Reclaimed++;
        }

        PendingChoice = null;
    }

    /// <summary>The license's state, then its mode, then another machine, then the seat's own state.</summary>
    public Expected Heartbeat(TokenRef? token, string machineId) => Heartbeat(token, machineId, renew: true);

    private Expected Heartbeat(TokenRef? token, string machineId, bool renew)
    {
        if (token is null)
        {
            return new Expected(200, false, ContractReasons.InvalidToken, 0, 0);
        }

        var inactive = (string reason) => new Expected(200, false, reason, RecordedLive, Max) { HeartbeatInterval = HeartbeatInterval };
        if (Deny(ModelMode.Floating) is { } licenseReason)
        {
            return inactive(licenseReason);
        }

        if (token.MachineId != machineId)
        {
            return inactive(ContractReasons.MachineMismatch);
        }

        if (Seat(token.Key) is not { } seat || seat.Grant != token.Grant)
        {
            return inactive(ContractReasons.TokenNotFound);
        }

        if (seat.Ended(Now) is { } end)
        {
            return inactive(ContractReasons.EndedLease(end));
        }

        if (!renew)
        {
            return new Expected(200, true, null, RecordedLive, Max);
        }

        seat.ExpireAt = Renewed(seat);
        seat.LastHeartbeat = Now;
        return new Expected(200, true, null, RecordedLive, Max) { TokenExpireAt = seat.ExpireAt, HeartbeatInterval = HeartbeatInterval };
    }

    /// <summary>heartbeat's checks, then: not allowed when maxBorrowDuration is 0; else the lease's expiry moves to the borrow's end, never earlier.</summary>
    public Expected Borrow(TokenRef? token, string machineId, TimeSpan borrowFor)
    {
        var checkedLike = Heartbeat(token, machineId, renew: false);
        if (checkedLike.Outcome != true)
        {
            return checkedLike with { HeartbeatInterval = null };
        }

        if (MaxBorrow <= TimeSpan.Zero)
        {
            return new Expected(200, false, ContractReasons.BorrowNotAllowed, RecordedLive, Max);
        }

        var seat = Seat(token!.Key)!;
        var until = Cap(Now + (borrowFor < MaxBorrow ? borrowFor : MaxBorrow));
        seat.ExpireAt = until > seat.ExpireAt ? until : seat.ExpireAt;
        seat.BorrowedUntil = seat.ExpireAt;
        seat.LastHeartbeat = Now;
        return new Expected(200, true, null, RecordedLive, Max) { Token = seat, TokenExpireAt = seat.ExpireAt };
    }

    /// <summary>A renewal's expiry: two intervals from now, or the borrow's end when later (both capped at the license's).</summary>
    private DateTimeOffset Renewed(ModelSeat seat)
    {
        var normal = Cap(Now + HeartbeatInterval + HeartbeatInterval);
        return seat.BorrowedUntil is { } borrowed && Cap(borrowed) > normal ? Cap(borrowed) : normal;
    }

    /// <summary>
    /// Not refused for the license's state. Another machine's token is a 404 before anything about the seat; an
    /// ended lease is a no-op; a lease that lapsed is recorded as lapsed, never as released.
    /// </summary>
    public Expected Release(TokenRef? token, string machineId)
    {
        if (token is null)
        {
            return Expected.Problem(404, ContractReasons.InvalidToken);
        }

        if (Mode != ModelMode.Floating)
        {
            return Expected.Problem(409, ContractReasons.WrongLicensingMode);
        }

        if (token.MachineId != machineId)
        {
            return Expected.Problem(404, ContractReasons.MachineMismatch);
        }

        if (Seat(token.Key) is { Recorded: null } seat && seat.Grant == token.Grant)
        {
            seat.Record(seat.Ended(Now) ?? SeatEnd.Released, Now);
        }

        return Counts();
    }

    /// <summary>Not extending anything but an activation's token (mode 1); mode 0 needs nothing but a usable license.</summary>
    public Expected Validate(string machineId, string clientId)
    {
        if (Deny(requiredMode: null) is { } reason)
        {
            return Denied(reason, RecordedLive);
        }

        switch (Mode)
        {
            case ModelMode.Activation:
                if (Seat(SeatKey.Activation(machineId)) is not { } activation || !activation.Holds(Now))
                {
                    return Denied(ContractReasons.NotActivated, RecordedLive);
                }

                activation.ExpireAt = Cap(Now + activationLifetime);
                activation.LastHeartbeat = Now;
                return Ok(activation, activation.ExpireAt);

            case ModelMode.Floating:
                return Seat(SeatKey.Lease(machineId, clientId)) is { } lease && lease.Holds(Now)
                    ? Ok(lease, Cap(lease.ExpireAt))
                    : Denied(ContractReasons.TokenNotFound, RecordedLive);

            default:
                return new Expected(200, true, null, RecordedLive, Max);
        }
    }

    /// <summary>
    /// The admin revoke of one seat, named by a token of it or by its public id (<paramref name="token"/> null: a
    /// forged token, or an id that is nobody's): 200 with the view, or 404. A lapsed lease is recorded as lapsed.
    /// </summary>
    public (Expected Answer, ExpectedView? View) RevokeToken(TokenRef? token, bool byPublicId)
    {
        if (token is null)
        {
            return (Expected.Problem(404, byPublicId ? ContractReasons.TokenNotFound : ContractReasons.InvalidToken), null);
        }

        if (Seat(token.Key) is not { } seat || seat.Grant != token.Grant)
        {
            return (Expected.Problem(404, ContractReasons.TokenNotFound), null);
        }

        if (seat.Recorded is null)
        {
            seat.Record(seat.Ended(Now) ?? SeatEnd.Revoked, Now);
        }

        return (new Expected(200), View());
    }

    /// <summary>The trial policy of the sequence's trial product: one activation for this long.</summary>
    public static readonly TimeSpan TrialDuration = TimeSpan.FromSeconds(90);

    private readonly Dictionary<string, DateTimeOffset> _trialEnds = new(StringComparer.Ordinal);
    private (int Value, DateTimeOffset ExpireAt)? _extras;

    /// <summary>The license's entitlements in force now, as answers list them.</summary>
    public string EntitlementsJson()
    {
        if (_extras is not { } extras)
        {
            return "[]";
        }

        var stamp = System.Text.Json.JsonSerializer.Serialize(Licensing.Http.Timestamp.From(extras.ExpireAt), System.Text.Json.JsonSerializerOptions.Web);
        return extras.ExpireAt > Now
            ? $$"""[{"code":"pro"},{"code":"extras","value":{{extras.Value}},"expireAt":{{stamp}}}]"""
            : """[{"code":"pro"}]""";
    }

    /// <summary>
    /// A machine's trial: the first call starts it (until now + <see cref="TrialDuration"/>); every call, the first
    /// too, answers that one trial: activated until its end, license_expired from then on.
    /// </summary>
    public (bool First, Expected Expected) Trial(string machineId)
    {
        var first = !_trialEnds.ContainsKey(machineId);
        if (first)
        {
            _trialEnds[machineId] = Now + TrialDuration;
        }

        var end = _trialEnds[machineId];
        return (first, end > Now
            ? new Expected(200, Outcome: true, Active: 1, Max: 1) { TokenExpireAt = end }
            : new Expected(200, Outcome: false, Reason: ContractReasons.LicenseExpired, Active: 1, Max: 1));
    }

    /// <summary>A PATCH lowering maxClientCount below the overage seats: refused with a 400, nothing changed.</summary>
    public bool Refuses(LicensePatch patch) => patch.MaxClientCount is { } max && max < Overage;

    public ExpectedView Patch(LicensePatch patch)
    {
        _extras = patch.ExtrasSeconds is { } extras ? (extras, Now + TimeSpan.FromSeconds(extras)) : _extras;
        Max = patch.MaxClientCount ?? Max;
        Suspended = patch.Suspended ?? Suspended;
        Revoked = patch.Revoked ?? Revoked;
        HeartbeatInterval = patch.HeartbeatSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : HeartbeatInterval;
        ExpireAt = patch.ExpireAt switch
        {
            ExpiryChange.Clear => null,
            ExpiryChange.Past => Now - TimeSpan.FromSeconds(patch.ExpireSeconds),
            ExpiryChange.Future => Now + TimeSpan.FromSeconds(patch.ExpireSeconds),
            _ => ExpireAt,
        };
        return View();
    }

    /// <summary>
    /// The timer: it records every lapse not yet recorded, then purges every seat that ended at least the retention
    /// ago (a lapse ended at the lease's expiry, so one run can record and purge the same lease).
    /// </summary>
    public TimerWork RunTimer()
    {
        var lapsed = _seats.Values.Where(s => s.LapsedUnrecorded(Now)).ToList();
        foreach (var seat in lapsed)
        {
            seat.Record(SeatEnd.Lapsed, Now);
        }

        var purged = _seats.Values.Where(s => s.EndedAt is { } ended && ended + retention <= Now).ToList();
        foreach (var seat in purged)
        {
            _seats.Remove(seat.Key);
        }

        LapsedByTimer += lapsed.Count;
        Purged += purged.Count;
        return new TimerWork(lapsed, purged);
    }

    public ExpectedView View() => new(Held, Max, Revoked, Suspended, ExpireAt, HeartbeatInterval, _seats.Values.ToList());

    /// <summary>The license's own state (revoked, suspended, expired), then the mode a call needs.</summary>
    private string? Deny(ModelMode? requiredMode)
    {
        if (Revoked)
        {
            return ContractReasons.LicenseRevoked;
        }

        if (Suspended)
        {
            return ContractReasons.LicenseSuspended;
        }

        if (UsableUntil is { } at && at <= Now)
        {
            return ContractReasons.LicenseExpired;
        }

        return requiredMode is { } m && m != Mode ? ContractReasons.WrongLicensingMode : null;
    }

    private ModelSeat NewGrant(SeatKey key, DateTimeOffset expireAt, bool overage)
    {
        var seat = new ModelSeat { Key = key, Grant = ++_grants, IssuedAt = Now, ExpireAt = expireAt, LastHeartbeat = Now, Overage = overage };
        _seats[key] = seat;
        return seat;
    }

    /// <summary>No token expiry a call states is later than the license's own plus its grace.</summary>
    private DateTimeOffset Cap(DateTimeOffset at) => UsableUntil is { } limit && limit < at ? limit : at;

    private Expected Ok(ModelSeat seat, DateTimeOffset tokenExpireAt) =>
        new(200, true, null, RecordedLive, Max) { Token = seat, TokenExpireAt = tokenExpireAt };

    private Expected Denied(string reason, int active) => new(200, false, reason, active, Max);

    private Expected Counts() => new(200, null, null, RecordedLive, Max);
}
