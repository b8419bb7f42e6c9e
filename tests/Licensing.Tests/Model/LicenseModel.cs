using Licensing.Domain;
using Licensing.Storage;

namespace Licensing.Tests.Model;

/// <summary>One seat row as the model sees it: a machine's activation or a (machine, client) lease.</summary>
public sealed class ModelSeat
{
    public required string RowKey { get; init; }
    public required string MachineId { get; init; }
    public required string? ClientId { get; init; }
    public required bool IsLease { get; init; }

    /// <summary>Which grant holds the row now; a grant of the same machine (and client) reuses the row with a new one.</summary>
    public int Grant { get; set; }
    public string State { get; set; } = SeatState.Live;
    public DateTimeOffset IssuedAt { get; set; }
    public DateTimeOffset ExpireAt { get; set; }
    public DateTimeOffset LastHeartbeat { get; set; }
    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>When this grant's expiry-index entry comes due (null once it only waits for the purge).</summary>
    public DateTimeOffset? IndexDue { get; set; }

    public bool HoldsSeat(DateTimeOffset now) => State == SeatState.Live && (!IsLease || ExpireAt > now);

    public void End(string state, DateTimeOffset at)
    {
        State = state;
        EndedAt = at;
    }
}

/// <summary>A token the test holds: which row and which grant it was issued for, and for which machine. Null = forged.</summary>
public sealed record TokenRef(string RowKey, int Grant, string MachineId);

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
/// An in-memory model of one license under CONTRACT.md, with the README's documented choices where the contract
/// leaves room: activeClientCount of most answers is the stored count of live rows (a lapsed lease counts there
/// until the timer or a grant that needs its place ends it), info and the admin view count exactly, and a grant
/// that needs room ends lapsed leases in row-key order, only as many as it needs.
/// </summary>
public sealed class LicenseModel(LicensingMode mode, int maxClientCount, TimeSpan heartbeatInterval, DateTimeOffset now, TimeSpan activationLifetime)
{
    private readonly Dictionary<string, ModelSeat> _seats = new(StringComparer.Ordinal);
    private int _grants;

    public LicensingMode Mode { get; } = mode;
    public int Max { get; private set; } = maxClientCount;
    public TimeSpan HeartbeatInterval { get; private set; } = heartbeatInterval;
    public DateTimeOffset Now { get; private set; } = now;
    public DateTimeOffset? ExpireAt { get; private set; }
    public bool Revoked { get; private set; }
    public bool Suspended { get; private set; }

    /// <summary>Lapsed leases ended by a grant that needed their place, and by the timer (for the run's tally).</summary>
    public int Reclaimed { get; private set; }
    public int EndedByTimer { get; private set; }

    public IReadOnlyCollection<ModelSeat> Seats => _seats.Values;

    /// <summary>The license row's LiveSeats counter: rows in state live, lapsed or not.</summary>
    public int StoredLive => _seats.Values.Count(s => s.State == SeatState.Live);

    /// <summary>Seats held now: what info counts.</summary>
    public int Held => _seats.Values.Count(s => s.HoldsSeat(Now));

    public ModelSeat? Seat(string rowKey) => _seats.GetValueOrDefault(rowKey);

    public void Advance(TimeSpan by) => Now += by;

    public Expected Activate(string machineId)
    {
        if (Deny(LicensingMode.Activation) is { } reason)
        {
            return Denied(reason, StoredLive);
        }

        var seat = Seat(TableKeys.ActivationRow(machineId));
        if (seat is { State: SeatState.Live })
        {
            return Ok(seat, Cap(seat.ExpireAt));
        }

        if (StoredLive >= Max)
        {
            return Denied(Reasons.SeatsExhausted, StoredLive);
        }

        var granted = NewGrant(TableKeys.ActivationRow(machineId), machineId, clientId: null, isLease: false, Cap(Now + activationLifetime));
        return Ok(granted, granted.ExpireAt);
    }

    public Expected Deactivate(string machineId)
    {
        if (Mode != LicensingMode.Activation)
        {
            return Expected.Problem(409, Reasons.WrongLicensingMode);
        }

        if (Seat(TableKeys.ActivationRow(machineId)) is { State: SeatState.Live } seat)
        {
            seat.End(SeatState.Deactivated, Now);
        }

        return Counts();
    }

    public Expected Request(string machineId, string clientId)
    {
        if (Deny(LicensingMode.Floating) is { } reason)
        {
            return Denied(reason, StoredLive) with { HeartbeatInterval = HeartbeatInterval };
        }

        var rowKey = TableKeys.LeaseRow(machineId, clientId);
        var own = Seat(rowKey);
        var expireAt = Cap(Now + HeartbeatInterval + HeartbeatInterval);
        if (own is not null && own.HoldsSeat(Now))
        {
            own.ExpireAt = expireAt;
            own.LastHeartbeat = Now;
            return Ok(own, expireAt) with { HeartbeatInterval = HeartbeatInterval };
        }

        var others = _seats.Values.Where(s => s.RowKey != rowKey && s.State == SeatState.Live).ToList();
        var lapsed = others.Where(s => s.IsLease && !s.HoldsSeat(Now)).OrderBy(s => s.RowKey, StringComparer.Ordinal).ToList();
        var needed = Math.Max(0, others.Count - Max + 1);
        if (lapsed.Count < needed)
        {
            return Denied(Reasons.SeatsExhausted, others.Count - lapsed.Count) with { HeartbeatInterval = HeartbeatInterval };
        }

        foreach (var seat in lapsed.Take(needed))
        {
            seat.End(SeatState.Expired, seat.ExpireAt);
            seat.IndexDue = null;
            Reclaimed++;
        }

        var granted = NewGrant(rowKey, machineId, clientId, isLease: true, expireAt);
        granted.IndexDue = expireAt;
        return Ok(granted, expireAt) with { HeartbeatInterval = HeartbeatInterval };
    }

    public Expected Heartbeat(TokenRef? token, string machineId)
    {
        if (token is null)
        {
            return new Expected(200, false, Reasons.InvalidToken, 0, 0);
        }

        var inactive = (string reason) => new Expected(200, false, reason, StoredLive, Max) { HeartbeatInterval = HeartbeatInterval };
        if (Deny(LicensingMode.Floating) is { } licenseReason)
        {
            return inactive(licenseReason);
        }

        if (token.MachineId != machineId)
        {
            return inactive(Reasons.MachineMismatch);
        }

        var seat = Seat(token.RowKey);
        if (seat is null || seat.Grant != token.Grant)
        {
            return inactive(Reasons.TokenNotFound);
        }

        if (seat.State != SeatState.Live)
        {
            return inactive(SeatState.EndedReason(seat.State));
        }

        if (!seat.HoldsSeat(Now))
        {
            return inactive(Reasons.TokenExpired);
        }

        seat.ExpireAt = Cap(Now + HeartbeatInterval + HeartbeatInterval);
        seat.LastHeartbeat = Now;
        return new Expected(200, true, null, StoredLive, Max) { TokenExpireAt = seat.ExpireAt, HeartbeatInterval = HeartbeatInterval };
    }

    public Expected Release(TokenRef? token, string machineId)
    {
        if (token is null)
        {
            return Expected.Problem(404, Reasons.InvalidToken);
        }

        if (Mode != LicensingMode.Floating)
        {
            return Expected.Problem(409, Reasons.WrongLicensingMode);
        }

        if (token.MachineId != machineId)
        {
            return Expected.Problem(404, Reasons.MachineMismatch);
        }

        // A lease still stored live ends as released, or as lapsed (at its expiry) when its expiry passed.
        if (Seat(token.RowKey) is { State: SeatState.Live } seat && seat.Grant == token.Grant)
        {
            EndLiveSeat(seat, SeatState.Released);
        }

        return Counts();
    }

    public Expected Validate(string machineId, string clientId)
    {
        if (Deny(requiredMode: null) is { } reason)
        {
            return Denied(reason, StoredLive);
        }

        if (Mode == LicensingMode.Activation)
        {
            var activation = Seat(TableKeys.ActivationRow(machineId));
            if (activation is null || !activation.HoldsSeat(Now))
            {
                return Denied(Reasons.NotActivated, StoredLive);
            }

            activation.ExpireAt = Cap(Now + activationLifetime);
            activation.LastHeartbeat = Now;
            return Ok(activation, activation.ExpireAt);
        }

        var lease = Seat(TableKeys.LeaseRow(machineId, clientId));
        return lease is not null && lease.HoldsSeat(Now)
            ? Ok(lease, Cap(lease.ExpireAt))
            : Denied(Reasons.TokenNotFound, StoredLive);
    }

    /// <summary>The admin revoke of one seat, named by a token of it (or its public id): 200 with the view, or 404.</summary>
    public (Expected Answer, ExpectedView? View) RevokeToken(TokenRef? token)
    {
        if (token is null)
        {
            return (Expected.Problem(404, Reasons.InvalidToken), null);
        }

        var seat = Seat(token.RowKey);
        if (seat is null || seat.Grant != token.Grant)
        {
            return (Expected.Problem(404, Reasons.TokenNotFound), null);
        }

        if (seat.State == SeatState.Live)
        {
            EndLiveSeat(seat, SeatState.Revoked);
        }

        return (new Expected(200), View());
    }

    private void EndLiveSeat(ModelSeat seat, string state)
    {
        if (seat.HoldsSeat(Now))
        {
            seat.End(state, Now);
        }
        else
        {
            seat.End(SeatState.Expired, seat.ExpireAt);
        }
    }

    public ExpectedView Patch(LicensePatch patch)
    {
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
    /// The timer: every grant's index entry that came due (to the second, as the index's row keys sort) ends the
    /// lease if it lapsed, or follows a lease kept alive; ended seats only wait for their purge, days away.
    /// </summary>
    public void RunTimer()
    {
        foreach (var seat in _seats.Values.Where(s => s.IndexDue is { } due && Floor(due) <= Floor(Now)))
        {
            if (seat.HoldsSeat(Now))
            {
                seat.IndexDue = seat.ExpireAt;
                continue;
            }

            if (seat.State == SeatState.Live)
            {
                seat.End(SeatState.Expired, seat.ExpireAt);
                EndedByTimer++;
            }

            seat.IndexDue = null;
        }
    }

    public ExpectedView View() => new(Held, Max, Revoked, Suspended, ExpireAt, HeartbeatInterval, _seats.Values.ToList());

    private string? Deny(LicensingMode? requiredMode)
    {
        if (Revoked)
        {
            return Reasons.LicenseRevoked;
        }

        if (Suspended)
        {
            return Reasons.LicenseSuspended;
        }

        if (ExpireAt is { } at && at <= Now)
        {
            return Reasons.LicenseExpired;
        }

        return requiredMode is { } m && m != Mode ? Reasons.WrongLicensingMode : null;
    }

    private ModelSeat NewGrant(string rowKey, string machineId, string? clientId, bool isLease, DateTimeOffset expireAt)
    {
        var seat = new ModelSeat
        {
            RowKey = rowKey,
            MachineId = machineId,
            ClientId = clientId,
            IsLease = isLease,
            Grant = ++_grants,
            IssuedAt = Now,
            ExpireAt = expireAt,
            LastHeartbeat = Now,
        };
        _seats[rowKey] = seat;
        return seat;
    }

    /// <summary>No token expiry a call states is later than the license's own.</summary>
    private DateTimeOffset Cap(DateTimeOffset at) => ExpireAt is { } limit && limit < at ? limit : at;

    private Expected Ok(ModelSeat seat, DateTimeOffset tokenExpireAt) =>
        new(200, true, null, StoredLive, Max) { Token = seat, TokenExpireAt = tokenExpireAt };

    private Expected Denied(string reason, int active) => new(200, false, reason, active, Max);

    private Expected Counts() => new(200, null, null, StoredLive, Max);

    private static long Floor(DateTimeOffset at) => at.ToUnixTimeSeconds();
}
