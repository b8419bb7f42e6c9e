using System.Globalization;
using CsCheck;

namespace Licensing.Tests.Model;

public enum ExpiryChange
{
    Unchanged,
    Clear,
    Past,
    Future,
}

/// <summary>An admin PATCH of the license: only the fields that are set are sent.</summary>
/// <summary><c>ExtrasSeconds</c>: set the entitlements to <c>pro</c> and <c>extras</c> (value and lifetime that many seconds).</summary>
public sealed record LicensePatch(int? MaxClientCount, bool? Suspended, bool? Revoked, ExpiryChange ExpireAt, int ExpireSeconds, int? HeartbeatSeconds, int? ExtrasSeconds = null)
{
    public override string ToString()
    {
        var parts = new List<string>();
        if (MaxClientCount is { } max)
        {
            parts.Add($"max={max}");
        }

        if (Suspended is { } suspended)
        {
            parts.Add($"suspended={suspended}");
        }

        if (Revoked is { } revoked)
        {
            parts.Add($"revoked={revoked}");
        }

        parts.Add(ExpireAt switch
        {
            ExpiryChange.Clear => "expireAt=null",
            ExpiryChange.Past => $"expireAt=now-{ExpireSeconds}s",
            ExpiryChange.Future => $"expireAt=now+{ExpireSeconds}s",
            _ => "",
        });
        if (HeartbeatSeconds is { } heartbeat)
        {
            parts.Add($"heartbeatInterval={heartbeat}s");
        }

        if (ExtrasSeconds is { } extras)
        {
            parts.Add($"entitlements=pro, extras={extras} for {extras}s");
        }

        return string.Join(", ", parts.Where(p => p.Length > 0));
    }
}

/// <summary>
/// Which token a call presents: the newest one the test was given for (machine, client), or one <c>Age</c> grants
/// or renewals older (a superseded one), or a forged copy of it (its signature altered).
/// </summary>
public sealed record TokenPick(int Machine, int Client, int Age, bool Forged)
{
    public override string ToString() =>
        $"{(Forged ? "forged " : "")}token of m{Machine}/c{Client}{(Age == 0 ? "" : $" (age {Age.ToString(CultureInfo.InvariantCulture)})")}";
}

/// <summary>One step of a sequence: a client call, an admin call, a clock step or a timer run.</summary>
public abstract record ModelOp;

public sealed record ActivateOp(int Machine) : ModelOp
{
    public override string ToString() => $"activate m{Machine}";
}

public sealed record DeactivateOp(int Machine) : ModelOp
{
    public override string ToString() => $"deactivate m{Machine}";
}

public sealed record RequestOp(int Machine, int Client) : ModelOp
{
    public override string ToString() => $"request m{Machine}/c{Client}";
}

public sealed record ValidateOp(int Machine, int Client) : ModelOp
{
    public override string ToString() => $"validate m{Machine}/c{Client}";
}

/// <summary>Heartbeat or release with a token, presented by its own machine (null) or as machine <c>AsMachine</c>.</summary>
public sealed record HeartbeatOp(TokenPick Token, int? AsMachine) : ModelOp
{
    public override string ToString() => $"heartbeat {Token}{(AsMachine is { } m ? $" as m{m}" : "")}";
}

/// <summary>Borrow with a token for <c>Seconds</c>, presented by its own machine (null) or as machine <c>AsMachine</c>.</summary>
public sealed record BorrowOp(TokenPick Token, int? AsMachine, int Seconds) : ModelOp
{
    public override string ToString() => $"borrow {Token} for {Seconds}s{(AsMachine is { } m ? $" as m{m}" : "")}";
}

public sealed record ReleaseOp(TokenPick Token, int? AsMachine) : ModelOp
{
    public override string ToString() => $"release {Token}{(AsMachine is { } m ? $" as m{m}" : "")}";
}

public sealed record RevokeOp(TokenPick Token, bool ByPublicId) : ModelOp
{
    public override string ToString() => $"admin revoke {Token} by {(ByPublicId ? "public id" : "licenseToken")}";
}

public sealed record PatchOp(LicensePatch Patch) : ModelOp
{
    public override string ToString() => $"admin PATCH {Patch}";
}

/// <summary>A trial of the sequence's trial product for a machine: made once, the same ever after.</summary>
public sealed record TrialOp(int Machine) : ModelOp
{
    public override string ToString() => $"trial m{Machine}";
}

public sealed record InfoOp : ModelOp
{
    public override string ToString() => "info";
}

/// <summary>Moves the clock by <c>Intervals</c> heartbeat intervals plus <c>Seconds</c>.</summary>
public sealed record AdvanceOp(int Intervals, int Seconds) : ModelOp
{
    public override string ToString() => Intervals == 0 ? $"clock +{Seconds}s" : $"clock +{Intervals} intervals +{Seconds}s";
}

public sealed record RunTimerOp : ModelOp
{
    public override string ToString() => "expiry timer run";
}

/// <summary>
/// One generated sequence: a fresh license of one mode, the steps run against it, and where it runs: the clock's
/// start and a nonce that names its tables and its user key. All of it comes from the seed, so a seed replays exactly.
/// </summary>
public sealed record ModelSequence(ModelMode Mode, int Seats, int HeartbeatSeconds, DateTimeOffset StartAt, ulong Nonce, ModelOp[] Ops, int OverageSeats = 0, int MaxTransfers = 0)
{
    /// <summary>The sequence's own tables: no other sequence's rows or expiry entries are ever there.</summary>
    public string TablePrefix => string.Create(CultureInfo.InvariantCulture, $"m{Nonce:x16}");

    public string UserKey => string.Create(CultureInfo.InvariantCulture, $"model-{Nonce:x16}");

    /// <summary>The license's maxBorrowDuration, from the nonce: none (borrow_not_allowed) for a third of the sequences, else 30 s.</summary>
    public int MaxBorrowSeconds => Nonce % 3 == 0 ? 0 : 30;

    /// <summary>The license's gracePeriod, from the nonce: none for half the sequences, else 5 minutes (patched expiries reach 10 minutes back).</summary>
    public int GraceSeconds => (Nonce / 3) % 2 == 0 ? 0 : 300;

    public override string ToString() => Describe(Ops.Length);

    /// <summary>The license and the first <paramref name="steps"/> steps, numbered: a failed sequence prints up to its failing step.</summary>
    public string Describe(int steps) =>
        $"license mode {(int)Mode}, {Seats} seats + {OverageSeats} overage, maxTransfers {MaxTransfers}, maxBorrow {MaxBorrowSeconds}s, grace {GraceSeconds}s, heartbeat {HeartbeatSeconds}s; clock from {StartAt.ToString("O", CultureInfo.InvariantCulture)}, tables {TablePrefix}*; " +
        (steps < Ops.Length ? $"steps 1 to {steps} of {Ops.Length} (the rest never ran):" : $"{Ops.Length} steps:") + "\n" +
        string.Join("\n", Ops.Take(steps).Select((o, i) => $"  {i + 1}. {o}"));
}

/// <summary>The generators: few machines and clients and few seats, so contention, exhaustion, supersede and lapse are common.</summary>
public static class ModelGen
{
    public const int Machines = 4;
    public const int Clients = 2;
    public const int MaxSteps = 100;

    private static readonly Gen<int> Machine = Gen.Int[0, Machines - 1];
    private static readonly Gen<int> Client = Gen.Int[0, Clients - 1];
    private static readonly Gen<int> HeartbeatSeconds = Gen.OneOf(2, 5, 10, 30);

    private static readonly Gen<TokenPick> Token =
        Gen.Select(Machine, Client, Gen.Frequency((6, Gen.Const(0)), (3, Gen.Int[1, 3])), Gen.Frequency((19, Gen.Const(false)), (1, Gen.Const(true))),
            (m, c, age, forged) => new TokenPick(m, c, age, forged));

    /// <summary>Mostly the token's own machine; sometimes a named one, maybe another (machine_mismatch).</summary>
    private static readonly Gen<int?> AsMachine = Gen.Frequency((8, Gen.Const((int?)null)), (1, Machine.Select(m => (int?)m)));

    private static readonly Gen<ModelOp> Heartbeat = Gen.Select(Token, AsMachine, (t, m) => (ModelOp)new HeartbeatOp(t, m));
    private static readonly Gen<ModelOp> Borrow = Gen.Select(Token, AsMachine, Gen.Int[1, 120], (t, m, s) => (ModelOp)new BorrowOp(t, m, s));
    private static readonly Gen<ModelOp> Release = Gen.Select(Token, AsMachine, (t, m) => (ModelOp)new ReleaseOp(t, m));
    private static readonly Gen<ModelOp> Revoke = Gen.Select(Token, Gen.Bool, (t, byId) => (ModelOp)new RevokeOp(t, byId));

    private static readonly Gen<ModelOp> Advance = Gen.Frequency(
        (3, Gen.Int[1, 3].Select(s => (ModelOp)new AdvanceOp(0, s))),
        (2, Gen.Select(Gen.Int[1, 2], Gen.Int[0, 2], (i, s) => (ModelOp)new AdvanceOp(i, s))));

    private static readonly Gen<ModelOp> Patch = Gen.Frequency(
        (5, Gen.Int[1, 3].Select(n => new LicensePatch(n, null, null, ExpiryChange.Unchanged, 0, null))),
        (2, Gen.Frequency((2, Gen.Const(false)), (1, Gen.Const(true))).Select(b => new LicensePatch(null, b, null, ExpiryChange.Unchanged, 0, null))),
        (1, Gen.Frequency((3, Gen.Const(false)), (1, Gen.Const(true))).Select(b => new LicensePatch(null, null, b, ExpiryChange.Unchanged, 0, null))),
        (2, Gen.Select(Gen.Enum<ExpiryChange>(), Gen.Int[1, 600], (change, s) => new LicensePatch(null, null, null, change, s, null))),
        (2, HeartbeatSeconds.Select(s => new LicensePatch(null, null, null, ExpiryChange.Unchanged, 0, s))),
        (2, Gen.Int[1, 120].Select(s => new LicensePatch(null, null, null, ExpiryChange.Unchanged, 0, null, s))))
        .Select(p => (ModelOp)new PatchOp(p));

    /// <summary>Thirty days at once: the transfer limit's window rolls past every deactivation counted so far.</summary>
    public const int MonthSeconds = 30 * 24 * 60 * 60;

    private static readonly Gen<ModelOp> Month = Gen.Const((ModelOp)new AdvanceOp(0, MonthSeconds));

    private static readonly Gen<ModelOp> Activate = Machine.Select(m => (ModelOp)new ActivateOp(m));
    private static readonly Gen<ModelOp> Deactivate = Machine.Select(m => (ModelOp)new DeactivateOp(m));
    private static readonly Gen<ModelOp> Request = Gen.Select(Machine, Client, (m, c) => (ModelOp)new RequestOp(m, c));
    private static readonly Gen<ModelOp> Validate = Gen.Select(Machine, Client, (m, c) => (ModelOp)new ValidateOp(m, c));
    private static readonly Gen<ModelOp> RunTimer = Gen.Const((ModelOp)new RunTimerOp());
    private static readonly Gen<ModelOp> Info = Gen.Const((ModelOp)new InfoOp());
    private static readonly Gen<ModelOp> Trial = Machine.Select(m => (ModelOp)new TrialOp(m));

    /// <summary>Each mode mostly runs the calls that apply to it, and now and then one that does not.</summary>
    private static Gen<ModelOp> Op(ModelMode mode) => mode switch
    {
        ModelMode.Activation => Gen.Frequency(
            (25, Activate), (12, Deactivate), (12, Validate), (6, Advance), (3, RunTimer), (6, Info), (8, Patch), (5, Revoke),
            (2, Request), (1, Heartbeat), (1, Release), (4, Trial), (1, Month)),
        ModelMode.Floating => Gen.Frequency(
            (25, Request), (18, Heartbeat), (8, Release), (7, Validate), (14, Advance), (5, RunTimer), (6, Info), (8, Patch), (3, Revoke),
            (1, Activate), (1, Deactivate), (1, Trial), (6, Borrow)),
        _ => Gen.Frequency(
            (20, Validate), (8, Info), (8, Patch), (6, Advance), (2, RunTimer), (2, Revoke),
            (4, Activate), (4, Deactivate), (4, Request), (3, Heartbeat), (3, Release), (2, Trial)),
    };

    /// <summary>Where the clock starts: within a year from 2100-01-01, to the tick (later than any clock a fixture starts at).</summary>
    private static readonly DateTimeOffset Epoch = new(2100, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly Gen<DateTimeOffset> StartAt = Gen.Long[0, TimeSpan.TicksPerDay * 365].Select(ticks => Epoch.AddTicks(ticks));

    public static readonly Gen<ModelSequence> Sequence =
        from mode in Gen.Frequency((1, Gen.Const(ModelMode.File)), (2, Gen.Const(ModelMode.Activation)), (3, Gen.Const(ModelMode.Floating)))
        from seats in Gen.Int[1, 3]
        from heartbeat in HeartbeatSeconds
        from startAt in StartAt
        from nonce in Gen.ULong.Uniform
        from ops in Op(mode).Array[1, MaxSteps]
        from overage in Gen.Frequency((2, Gen.Const(0)), (3, Gen.Int[1, seats]))
        from maxTransfers in Gen.Frequency((1, Gen.Const(0)), (3, Gen.Int[1, 3]))
        select new ModelSequence(mode, seats, heartbeat, startAt, nonce, ops, overage, maxTransfers);
}
