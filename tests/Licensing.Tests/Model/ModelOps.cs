using System.Globalization;
using CsCheck;
using Licensing.Domain;

namespace Licensing.Tests.Model;

public enum ExpiryChange
{
    Unchanged,
    Clear,
    Past,
    Future,
}

/// <summary>An admin PATCH of the license: only the fields that are set are sent.</summary>
public sealed record LicensePatch(int? MaxClientCount, bool? Suspended, bool? Revoked, ExpiryChange ExpireAt, int ExpireSeconds, int? HeartbeatSeconds)
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

/// <summary>One generated sequence: a fresh license of one mode and the steps run against it.</summary>
public sealed record ModelSequence(LicensingMode Mode, int Seats, int HeartbeatSeconds, ModelOp[] Ops)
{
    public override string ToString() => Describe(Ops.Length);

    /// <summary>The license and the first <paramref name="steps"/> steps, numbered: a failed sequence prints up to its failing step.</summary>
    public string Describe(int steps) =>
        $"license mode {(int)Mode}, {Seats} seats, heartbeat {HeartbeatSeconds}s; " +
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
        (2, HeartbeatSeconds.Select(s => new LicensePatch(null, null, null, ExpiryChange.Unchanged, 0, s))))
        .Select(p => (ModelOp)new PatchOp(p));

    private static Gen<ModelOp> Op(LicensingMode mode) => mode == LicensingMode.Activation
        ? Gen.Frequency(
            (25, Machine.Select(m => (ModelOp)new ActivateOp(m))),
            (12, Machine.Select(m => (ModelOp)new DeactivateOp(m))),
            (12, Gen.Select(Machine, Client, (m, c) => (ModelOp)new ValidateOp(m, c))),
            (6, Advance),
            (3, Gen.Const((ModelOp)new RunTimerOp())),
            (6, Gen.Const((ModelOp)new InfoOp())),
            (8, Patch),
            (5, Revoke),
            (2, Gen.Select(Machine, Client, (m, c) => (ModelOp)new RequestOp(m, c))),
            (1, Heartbeat),
            (1, Release))
        : Gen.Frequency(
            (25, Gen.Select(Machine, Client, (m, c) => (ModelOp)new RequestOp(m, c))),
            (18, Heartbeat),
            (8, Release),
            (7, Gen.Select(Machine, Client, (m, c) => (ModelOp)new ValidateOp(m, c))),
            (14, Advance),
            (5, Gen.Const((ModelOp)new RunTimerOp())),
            (6, Gen.Const((ModelOp)new InfoOp())),
            (8, Patch),
            (3, Revoke),
            (1, Machine.Select(m => (ModelOp)new ActivateOp(m))),
            (1, Machine.Select(m => (ModelOp)new DeactivateOp(m))));

    public static readonly Gen<ModelSequence> Sequence =
        from mode in Gen.Frequency((2, Gen.Const(LicensingMode.Activation)), (3, Gen.Const(LicensingMode.Floating)))
        from seats in Gen.Int[1, 3]
        from heartbeat in HeartbeatSeconds
        from ops in Op(mode).Array[1, MaxSteps]
        select new ModelSequence(mode, seats, heartbeat, ops);
}
