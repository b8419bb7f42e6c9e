namespace Licensing.Seats;

/// <summary>What every client call names: the license (by user key or token), the machine and client, and the caller's address.</summary>
public sealed record ClientCall(string UserKey, string MachineId, string? ClientId, string? ClientName, string LicenseToken, string ClientAddr)
{
    public const int UserKeyMax = 128;
    public const int IdMax = 256;
    /// <summary>A seat token carries the license's entitlements (at most <see cref="Domain.Entitlement.MaxJsonBytes"/> of JSON).</summary>
    public const int TokenMax = 32 * 1024;

    /// <summary>The client id a lease is keyed by; absent means the machine's one client.</summary>
    public string LeaseClientId => ClientId ?? "";
}
