namespace Licensing.Client;

/// <summary>A policy as the admin API shows it: a named template of license terms of one product.</summary>
public sealed class PolicyView
{
    public string PolicyId { get; set; } = "";
    public string Name { get; set; } = "";
    public string ProductId { get; set; } = "";
    public LicensingMode LicensingMode { get; set; }
    public int MaxClientCount { get; set; }

    /// <summary>How long a license made from it runs; null: no end.</summary>
    public TimeSpan? Duration { get; set; }
    public TimeSpan? SupportDuration { get; set; }
    public TimeSpan? HeartbeatInterval { get; set; }
    public TimeSpan? GracePeriod { get; set; }
    public TimeSpan? MaxBorrowDuration { get; set; }
    public List<string> Features { get; set; } = [];
    public List<LicenseEntitlement> Entitlements { get; set; } = [];

    /// <summary>The meters its licenses get.</summary>
    public List<LicenseMeter> Meters { get; set; } = [];

    /// <summary>The product's trial policy (at most one per product).</summary>
    public bool Trial { get; set; }
    public DateTimeOffset? CreatedAt { get; set; }

    /// <summary>Seats beyond the limit that licenses made from it get.</summary>
    public int OverageSeats { get; set; }

    /// <summary>Moves of an activation allowed in a rolling 30 days; 0: unlimited.</summary>
    public int MaxTransfers { get; set; }

    /// <summary>Whether licenses made from it open the customer portal to their owners.</summary>
    public bool Portal { get; set; } = true;
}

public sealed class PolicyPage
{
    public List<PolicyView> Items { get; set; } = [];
    public string? ContinuationToken { get; set; }
}

/// <summary>The terms a policy can be created with and changed to; only what is set is sent.</summary>
public abstract class PolicyTerms : SeatTerms
{
    public TimeSpan? Duration { get; set; }
    public TimeSpan? SupportDuration { get; set; }
    public bool? Trial { get; set; }
}

/// <summary>A new policy: the name, the mode and the seat limit are required, the rest optional.</summary>
public sealed class NewPolicy : PolicyTerms
{
    public string Name { get; set; } = "";
    public string? ProductId { get; set; }
    public LicensingMode LicensingMode { get; set; }
    public int MaxClientCount { get; set; }
}

/// <summary>Changes to a policy: only what is set is changed; licenses made from it before keep their terms.</summary>
public sealed class PolicyChanges : PolicyTerms
{
    public string? Name { get; set; }
    public LicensingMode? LicensingMode { get; set; }
    public int? MaxClientCount { get; set; }
}
