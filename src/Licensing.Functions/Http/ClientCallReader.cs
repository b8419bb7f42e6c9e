namespace Licensing.Http;

/// <summary>Reads the body every client call shares, against the contract's required fields and limits.</summary>
public static class ClientCallReader
{
    /// <summary>userKey and machineId required (activate, deactivate, request, validate, info).</summary>
    public static ClientCall? ByUserKey(JsonFields fields, Caller caller) => Read(fields, caller, byToken: false);

    /// <summary>licenseToken and machineId required (release, heartbeat).</summary>
    public static ClientCall? ByToken(JsonFields fields, Caller caller) => Read(fields, caller, byToken: true);

    private static ClientCall? Read(JsonFields fields, Caller caller, bool byToken)
    {
        var userKey = fields.Text("userKey", ClientCall.UserKeyMax, required: !byToken);
        var token = fields.Text("licenseToken", ClientCall.TokenMax, required: byToken);
        var machineId = fields.Text("machineId", ClientCall.IdMax, required: true);
        var clientId = fields.Text("clientId", ClientCall.IdMax);
        var clientName = fields.Text("clientName", ClientCall.IdMax);
        return fields.HasErrors ? null : new ClientCall(userKey ?? "", machineId!, clientId, clientName, token ?? "", caller.ClientAddr);
    }
}
