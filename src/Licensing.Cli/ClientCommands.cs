using Licensing.Client;

namespace Licensing.Cli;

/// <summary>The seven client calls and the public keys, for trying a license by hand (a client-scoped key will do).</summary>
internal static class ClientCommands
{
    public static async Task<int> ActivateAsync(Session s)
    {
        var identity = Identity(s);
        var answer = await s.Client().ActivateAsync(identity);
        return Outcome(s, answer, answer.Success, Granted(answer.LicenseToken, answer.TokenExpireAt, null, answer.License));
    }

    public static async Task<int> ValidateAsync(Session s)
    {
        var identity = Identity(s);
        var answer = await s.Client().ValidateAsync(identity);
        return Outcome(s, answer, answer.Success, Granted(answer.LicenseToken, answer.TokenExpireAt, null, answer.License));
    }

    public static async Task<int> RequestAsync(Session s)
    {
        var identity = Identity(s);
        var answer = await s.Client().RequestAsync(identity);
        return Outcome(s, answer, answer.Granted, Granted(answer.LicenseToken, answer.TokenExpireAt, answer.HeartbeatInterval, answer.License));
    }

    public static async Task<int> HeartbeatAsync(Session s)
    {
        var (token, machineId, clientId) = ByToken(s);
        var answer = await s.Client().HeartbeatAsync(token, machineId, clientId);
        return Outcome(s, answer, answer.Active, [("tokenExpireAt", answer.TokenExpireAt), ("heartbeatInterval", answer.HeartbeatInterval)]);
    }

    public static async Task<int> DeactivateAsync(Session s)
    {
        var identity = Identity(s);
        Seats(s, await s.Client().DeactivateAsync(identity));
        return 0;
    }

    public static async Task<int> ReleaseAsync(Session s)
    {
        var (token, machineId, clientId) = ByToken(s);
        Seats(s, await s.Client().ReleaseAsync(token, machineId, clientId));
        return 0;
    }

    public static async Task<int> InfoAsync(Session s)
    {
        var identity = Identity(s);
        var info = await s.Client().InfoAsync(identity);
        if (s.Out.Json)
        {
            s.Out.Document(info);
            return 0;
        }

        s.Out.Fields(
        [
            ("licenseId", info.LicenseId),
            ("licensingMode", Modes.Name(info.LicensingMode)),
            ("maxClientCount", info.MaxClientCount),
            ("activeClientCount", info.ActiveClientCount),
            ("revoked", info.Revoked),
            ("issuedAt", info.IssuedAt),
            ("expireAt", info.ExpireAt),
            ("supportExpireAt", info.SupportExpireAt),
        ]);
        if (info.LicenseTokens.Count > 0)
        {
            s.Out.Out.WriteLine();
            LicenseCommands.Tokens(s.Out, info.LicenseTokens);
        }

        return 0;
    }

    public static async Task<int> JwksAsync(Session s)
    {
        var keys = await s.Client(keyRequired: false).GetKeysAsync();
        if (s.Out.Json)
        {
            s.Out.Document(keys);
            return 0;
        }

        s.Out.Table(["KEY ID", "TYPE", "CURVE", "ALGORITHM", "USE"], keys.Keys.Select(k => new object?[] { k.Kid, k.Kty, k.Crv, k.Alg, k.Use }));
        return 0;
    }

    private static ClientIdentity Identity(Session s) =>
        new(s.Args.Required("--user-key"), s.Args.Required("--machine-id"), s.Args.Value("--client-id"), s.Args.Value("--client-name"));

    private static (string Token, string MachineId, string? ClientId) ByToken(Session s) =>
        (s.Args.Required("--token"), s.Args.Required("--machine-id"), s.Args.Value("--client-id"));

    /// <summary>The fields of a granted seat: its bearer token, when it lapses, and the license it is for.</summary>
    private static List<(string, object?)> Granted(string? token, DateTimeOffset? expireAt, TimeSpan? heartbeat, LicenseSummary? license)
    {
        List<(string, object?)> fields = [("licenseToken", token), ("tokenExpireAt", expireAt)];
        if (heartbeat is not null)
        {
            fields.Add(("heartbeatInterval", heartbeat));
        }

        if (license is not null)
        {
            fields.Add(("licenseId", license.LicenseId));
            fields.Add(("licensingMode", Modes.Name(license.LicensingMode)));
            fields.Add(("expireAt", license.ExpireAt));
            fields.Add(("supportExpireAt", license.SupportExpireAt));
            fields.Add(("licenseKey", $"{license.LicenseKey.Length} bytes of signed license document (--json shows them)"));
        }

        return fields;
    }

    /// <summary>
    /// An answer that carries an outcome: printed in full either way; a denial (success/granted/active false) also
    /// gets one line on stderr with its reason and message, and exit code 1.
    /// </summary>
    private static int Outcome(Session s, LicenseOutcome answer, bool ok, List<(string, object?)> details)
    {
        if (s.Out.Json)
        {
            s.Out.Document(answer);
        }
        else
        {
            List<(string, object?)> fields = [(OutcomeName(answer), ok)];
            if (!ok)
            {
                fields.Add(("reason", answer.ReasonCode));
                fields.Add(("message", answer.Message));
            }

            fields.AddRange(ok ? details : []);
            fields.Add(("activeClientCount", answer.ActiveClientCount));
            fields.Add(("maxClientCount", answer.MaxClientCount));
            s.Out.Fields(fields);
        }

        if (ok)
        {
            return 0;
        }

        s.Out.Fail($"denied ({answer.ReasonCode ?? "no reason given"}): {answer.Message ?? "the server said no"}");
        return ExitCodes.Denied;
    }

    private static string OutcomeName(LicenseOutcome answer) => answer switch
    {
        RequestLicenseResponse => "granted",
        HeartbeatResponse => "active",
        _ => "success",
    };

    private static void Seats(Session s, SeatCountResponse answer)
    {
        if (s.Out.Json)
        {
            s.Out.Document(answer);
            return;
        }

        s.Out.Fields([("licenseId", answer.LicenseId), ("activeClientCount", answer.ActiveClientCount), ("maxClientCount", answer.MaxClientCount)]);
    }
}
