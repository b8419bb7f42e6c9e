namespace Licensing.Seats;

/// <summary>What every client call names: the license (by user key or token), the machine and client, and the caller's address.</summary>
public sealed record ClientCall(string UserKey, string MachineId, string? ClientId, string? ClientName, string LicenseToken, string ClientAddr)
{
    public const int UserKeyMax = 128;
    public const int IdMax = 256;
    public const int TokenMax = 4096;

    /// <summary>The client id a lease is keyed by; absent means the machine's one client.</summary>
    public string LeaseClientId => ClientId ?? "";
}
