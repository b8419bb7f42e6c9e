using Licensing.Http;

namespace Licensing.Seats;

/// <summary>The body every client call shares, validated against the contract's required fields and limits.</summary>
public sealed record ClientCall(string UserKey, string MachineId, string? ClientId, string? ClientName, string LicenseToken, string ClientAddr)
{
    public const int UserKeyMax = 128;
    public const int IdMax = 256;
    public const int TokenMax = 4096;

    /// <summary>userKey and machineId required (activate, deactivate, request, validate, info).</summary>
    public static ClientCall? ByUserKey(JsonFields fields, Caller caller) => Read(fields, caller, byToken: false);

    /// <summary>licenseToken and machineId required (release, heartbeat).</summary>
    public static ClientCall? ByToken(JsonFields fields, Caller caller) => Read(fields, caller, byToken: true);

    /// <summary>The client id a lease is keyed by; absent means the machine's one client.</summary>
    public string LeaseClientId => ClientId ?? "";

    private static ClientCall? Read(JsonFields fields, Caller caller, bool byToken)
    {
        var userKey = fields.Text("userKey", UserKeyMax, required: !byToken);
        var token = fields.Text("licenseToken", TokenMax, required: byToken);
        var machineId = fields.Text("machineId", IdMax, required: true);
        var clientId = fields.Text("clientId", IdMax);
        var clientName = fields.Text("clientName", IdMax);
        return fields.HasErrors ? null : new ClientCall(userKey ?? "", machineId!, clientId, clientName, token ?? "", caller.ClientAddr);
    }
}
