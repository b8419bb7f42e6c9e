namespace Licensing.Cli;

/// <summary>The seven client calls and the public keys, for trying a license by hand (a client-scoped key will do).</summary>
internal static class ClientCommands
{
    private static readonly Option<string> UserKey = new("--user-key")
    {
        HelpName = "KEY", Description = "the license's user key", Required = true, CustomParser = ValueParsers.NonEmpty,
    };

    private static readonly Option<string> MachineId = new("--machine-id")
    {
        HelpName = "ID", Description = "the machine calling", Required = true, CustomParser = ValueParsers.NonEmpty,
    };

    private static readonly Option<string> ClientId = new("--client-id")
    {
        HelpName = "ID", Description = "the app on the machine, when several share it",
    };

    private static readonly Option<string> ClientName = new("--client-name")
    {
        HelpName = "NAME", Description = "a name for the seat, as show and info list it",
    };

    private static readonly Option<string> Token = new("--token")
    {
        HelpName = "TOKEN", Description = "the seat's bearer token, as request printed it", Required = true, CustomParser = ValueParsers.NonEmpty,
    };

    /// <summary>The client commands, which sit directly under the root.</summary>
    public static IEnumerable<Command> All() =>
    [
        ByUserKey("activate", "Activate a machine on an activation license.").Runs(ActivateAsync),
        ByUserKey("deactivate", "Remove a machine's activation.").Runs(DeactivateAsync),
        ByUserKey("request", "Check out a floating seat; prints its token.").Runs(RequestAsync),
        ByToken("heartbeat", "Keep a floating seat alive.").Runs(HeartbeatAsync),
        ByToken("release", "Give a floating seat back.").Runs(ReleaseAsync),
        ByUserKey("validate", "Check that the license is usable now by this machine.").Runs(ValidateAsync),
        ByUserKey("info", "Show the license and who holds its seats.").Runs(InfoAsync),
        new Command("jwks", "Show the server's public signing keys (no key needed).").Runs(JwksAsync),
    ];

    private static async Task<int> ActivateAsync(Session s)
    {
        var identity = Identity(s);
        var answer = await s.Client().ActivateAsync(identity);
        return Outcome(s, answer, answer.Success, Granted(answer.LicenseToken, answer.TokenExpireAt, null, answer.License));
    }

    private static async Task<int> ValidateAsync(Session s)
    {
        var identity = Identity(s);
        var answer = await s.Client().ValidateAsync(identity);
        return Outcome(s, answer, answer.Success, Granted(answer.LicenseToken, answer.TokenExpireAt, null, answer.License));
    }

    private static async Task<int> RequestAsync(Session s)
    {
        var identity = Identity(s);
        var answer = await s.Client().RequestAsync(identity);
        return Outcome(s, answer, answer.Granted, Granted(answer.LicenseToken, answer.TokenExpireAt, answer.HeartbeatInterval, answer.License));
    }

    private static async Task<int> HeartbeatAsync(Session s)
    {
        var (token, machineId, clientId) = Seat(s);
        var answer = await s.Client().HeartbeatAsync(token, machineId, clientId);
        return Outcome(s, answer, answer.Active, [("tokenExpireAt", answer.TokenExpireAt), ("heartbeatInterval", answer.HeartbeatInterval)]);
    }

    private static async Task<int> DeactivateAsync(Session s)
    {
        var identity = Identity(s);
        Seats(s, await s.Client().DeactivateAsync(identity));
        return 0;
    }

    private static async Task<int> ReleaseAsync(Session s)
    {
        var (token, machineId, clientId) = Seat(s);
        Seats(s, await s.Client().ReleaseAsync(token, machineId, clientId));
        return 0;
    }

    private static async Task<int> InfoAsync(Session s)
    {
        var identity = Identity(s);
        var info = await s.Client().InfoAsync(identity);
        if (s.Out.Json)
        {
            s.PrintAnswer();
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

    private static async Task<int> JwksAsync(Session s)
    {
        var keys = await s.Client(keyRequired: false).GetKeysAsync();
        return s.ShowTable(["KEY ID", "TYPE", "CURVE", "ALGORITHM", "USE"], keys.Keys.Select(k => new object?[] { k.Kid, k.Kty, k.Crv, k.Alg, k.Use }));
    }

    /// <summary>A call that names its license by user key: <c>--user-key KEY --machine-id ID [--client-id ID] [--client-name NAME]</c>.</summary>
    private static Command ByUserKey(string name, string description) => new(name, description) { UserKey, MachineId, ClientId, ClientName };

    /// <summary>A call on a floating seat: <c>--token TOKEN --machine-id ID [--client-id ID]</c>.</summary>
    private static Command ByToken(string name, string description) => new(name, description) { Token, MachineId, ClientId };

    private static ClientIdentity Identity(Session s) =>
        new(s.Required(UserKey), s.Required(MachineId), s.Get(ClientId), s.Get(ClientName));

    private static (string Token, string MachineId, string? ClientId) Seat(Session s) =>
        (s.Required(Token), s.Required(MachineId), s.Get(ClientId));

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
            s.PrintAnswer();
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
            s.PrintAnswer();
            return;
        }

        s.Out.Fields([("licenseId", answer.LicenseId), ("activeClientCount", answer.ActiveClientCount), ("maxClientCount", answer.MaxClientCount)]);
    }
}
