namespace Licensing.Client;

/// <summary>
/// The seat terms licenses and policies both carry (<see cref="LicenseTerms"/>, <see cref="PolicyTerms"/>); only what is
/// set is sent. A policy's are copied into the licenses created from it.
/// </summary>
public abstract class SeatTerms
{
    /// <summary>Seats beyond the limit (0 to the limit; the server's default 0).</summary>
    public int? OverageSeats { get; set; }

    /// <summary>Moves of an activation allowed in a rolling 30 days (0, the default: unlimited).</summary>
    public int? MaxTransfers { get; set; }
    public TimeSpan? HeartbeatInterval { get; set; }
    public TimeSpan? GracePeriod { get; set; }
    public TimeSpan? MaxBorrowDuration { get; set; }
    public List<string>? Features { get; set; }

    /// <summary>The entitlements; a change reaches each client with the next token it gets.</summary>
    public List<LicenseEntitlement>? Entitlements { get; set; }

    /// <summary>The meters; a change replaces the list, and a license keeps the counts of meters that stay.</summary>
    public List<LicenseMeter>? Meters { get; set; }

    /// <summary>Whether the owner may sign in to the customer portal (the server's default: a license takes its policy's, else on).</summary>
    public bool? Portal { get; set; }
}
