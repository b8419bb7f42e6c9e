namespace Licensing.Bench.Scenarios.Soak;

/// <summary>How big and how long a soak is, and the pace of its clients.</summary>
public sealed record SoakSize
{
    /// <summary>Floating licenses of 3 seats, 8 (machine, client) pairs each; node-locked ones of 2 seats, 4 machines each.</summary>
    public const int FloatingSeats = 3;
    public const int PairsPerFloatingLicense = 8;
    public const int ActivationSeats = 2;
    public const int MachinesPerActivationLicense = 4;

    /// <summary>Short, so every outage outlasts some leases (they lapse two intervals after the last heartbeat).</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(2);

    /// <summary>Traffic with storage up, split evenly before, between and after the outages.</summary>
    public required TimeSpan Traffic { get; init; }
    public required int Restarts { get; init; }

    /// <summary>The least time storage stays down each time.</summary>
    public required TimeSpan Outage { get; init; }
    public required int Clients { get; init; }

    public int FloatingClients => Clients - ActivationClients;
    public int ActivationClients => Clients / 4;
    public int FloatingLicenses => Math.Max(1, FloatingClients / PairsPerFloatingLicense);
    public int ActivationLicenses => Math.Max(1, ActivationClients / MachinesPerActivationLicense);
    public TimeSpan UpPeriod => Traffic / (Restarts + 1);

    /// <summary>A client's pause between two calls, and after a denial.</summary>
    public (int Min, int Max) ThinkMs { get; init; } = (100, 400);
    public (int Min, int Max) DeniedMs { get; init; } = (200, 600);

    /// <summary>How soon a client tries again after a 503: sooner than the server's Retry-After (5 s), as the SDK's lease does, so outages are probed densely.</summary>
    public (int Min, int Max) RetryMs { get; init; } = (250, 1000);

    public double ValidateShare { get; init; } = 0.2;
    public double RepeatRequestShare { get; init; } = 0.1;

    /// <summary>The share of floating cycles that end by walking away (the lease lapses) instead of releasing.</summary>
    public double AbandonShare { get; init; } = 0.15;

    public TimeSpan SampleEvery { get; init; } = TimeSpan.FromMilliseconds(300);
    public TimeSpan ExpiryEvery { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>After the traffic: how long clients may take to get a definite answer to the call they are making.</summary>
    public TimeSpan Drain { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long after a restart the first 200 may take before it counts as a violation.</summary>
    public TimeSpan FirstAnswerTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public static SoakSize From(BenchOptions options) => new()
    {
        Traffic = options.SoakDuration,
        Restarts = options.Restarts,
        Outage = options.Outage,
        Clients = options.SoakClients,
    };
}
