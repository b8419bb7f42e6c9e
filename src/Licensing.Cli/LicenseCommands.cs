using Licensing.Client;

namespace Licensing.Cli;

/// <summary><c>licensing licenses ...</c>: the admin API's licenses.</summary>
internal static class LicenseCommands
{
    public static async Task<int> CreateAsync(Session s)
    {
        var license = new NewLicense
        {
            LicensingMode = Modes.Parse(s.Args.Required("--mode")),
            MaxClientCount = s.Args.Int("--seats") ?? throw new UsageException("option '--seats' is required"),
            ProductId = s.Args.Value("--product"),
            ExpireAt = s.Args.Date("--expires"),
            SupportExpireAt = s.Args.Date("--support-expires"),
            HeartbeatInterval = Seconds(s.Args.Int("--heartbeat")),
            CustomerName = s.Args.Value("--customer"),
            Features = s.Args.Values("--feature") is { Count: > 0 } features ? [.. features] : null,
            UserKey = s.Args.Value("--user-key"),
        };

        var view = await s.Admin().CreateLicenseAsync(license);
        Show(s.Out, view);
        return 0;
    }

    public static async Task<int> ListAsync(Session s)
    {
        var pageSize = s.Args.Int("--page-size", 1, 1000);
        var all = s.Args.Flag("--all");
        var admin = s.Admin();

        var (items, more) = await Pages.ReadAsync(all, async token =>
        {
            var next = await admin.ListLicensesAsync(pageSize, token);
            return (next.Items, next.ContinuationToken);
        });
        var page = new LicensePage { Items = items, ContinuationToken = more };

        if (s.Out.Json)
        {
            s.Out.Document(page);
            return 0;
        }

        s.Out.Table(
            ["LICENSE ID", "USER KEY", "MODE", "SEATS", "PRODUCT", "CUSTOMER", "EXPIRES", "STATE"],
            page.Items.Select(l => new object?[]
            {
                l.LicenseId, l.UserKey, Modes.Name(l.LicensingMode), $"{l.ActiveClientCount}/{l.MaxClientCount}",
                l.ProductId, l.CustomerName, l.ExpireAt, State(l),
            }));
        if (!string.IsNullOrEmpty(page.ContinuationToken))
        {
            s.Out.Out.WriteLine("(more licenses: add --all to list them all)");
        }

        return 0;
    }

    public static async Task<int> ShowAsync(Session s)
    {
        Show(s.Out, await s.Admin().GetLicenseAsync(s.Parameters[0]));
        return 0;
    }

    public static async Task<int> UpdateAsync(Session s)
    {
        var changes = new LicenseChanges
        {
            MaxClientCount = s.Args.Int("--seats"),
            ExpireAt = s.Args.Date("--expires"),
            SupportExpireAt = s.Args.Date("--support-expires"),
            HeartbeatInterval = Seconds(s.Args.Int("--heartbeat")),
            CustomerName = s.Args.Value("--customer"),
            Features = s.Args.Values("--feature") is { Count: > 0 } features ? [.. features] : null,
            Suspended = OnOff(s.Args, "--suspend", "--resume"),
            Revoked = OnOff(s.Args, "--revoke", "--unrevoke"),
        };
        if (changes is { MaxClientCount: null, ExpireAt: null, SupportExpireAt: null, HeartbeatInterval: null, CustomerName: null, Features: null, Suspended: null, Revoked: null })
        {
            throw new UsageException("nothing to change: give --seats, --expires, --support-expires, --heartbeat, --customer, --feature, --suspend/--resume or --revoke/--unrevoke");
        }

        Show(s.Out, await s.Admin().UpdateLicenseAsync(s.Parameters[0], changes));
        return 0;
    }

    public static async Task<int> DeleteAsync(Session s)
    {
        var licenseId = s.Parameters[0];
        await s.Admin().DeleteLicenseAsync(licenseId);
        if (s.Out.Json)
        {
            s.Out.Document(new { licenseId, deleted = true });
        }
        else
        {
            s.Out.Out.WriteLine($"Deleted license {licenseId}.");
        }

        return 0;
    }

    public static async Task<int> EventsAsync(Session s)
    {
        var pageSize = s.Args.Int("--page-size", 1, 1000);
        var all = s.Args.Flag("--all");
        var admin = s.Admin();

        var (items, more) = await Pages.ReadAsync(all, async token =>
        {
            var next = await admin.ListLicenseEventsAsync(s.Parameters[0], pageSize, token);
            return (next.Items, next.ContinuationToken);
        });
        var page = new AuditEventPage { Items = items, ContinuationToken = more };

        if (s.Out.Json)
        {
            s.Out.Document(page);
            return 0;
        }

        s.Out.Table(
            ["AT", "EVENT", "ACTOR", "ADDRESS", "MACHINE", "CLIENT", "TOKEN", "CHANGES"],
            page.Items.Select(e => new object?[]
            {
                e.At, e.Type, e.Actor, e.ClientAddr, e.MachineId, e.ClientId, e.Token, e.Changes?.GetRawText(),
            }));
        if (!string.IsNullOrEmpty(page.ContinuationToken))
        {
            s.Out.Out.WriteLine("(older events: add --all to list them all)");
        }

        return 0;
    }

    public static async Task<int> RevokeTokenAsync(Session s)
    {
        Show(s.Out, await s.Admin().RevokeTokenAsync(s.Parameters[0], s.Parameters[1]));
        return 0;
    }

    /// <summary>One license: its fields, then its seats when the server listed them.</summary>
    private static void Show(Output output, LicenseView view)
    {
        if (output.Json)
        {
            output.Document(view);
            return;
        }

        output.Fields(
        [
            ("licenseId", view.LicenseId),
            ("userKey", view.UserKey),
            ("productId", view.ProductId),
            ("licensingMode", Modes.Name(view.LicensingMode)),
            ("maxClientCount", view.MaxClientCount),
            ("activeClientCount", view.ActiveClientCount),
            ("expireAt", view.ExpireAt),
            ("supportExpireAt", view.SupportExpireAt),
            ("heartbeatInterval", view.HeartbeatInterval),
            ("customerName", view.CustomerName),
            ("features", view.Features),
            ("state", State(view)),
            ("issuedAt", view.IssuedAt),
        ]);
        if (view.LicenseTokens is { Count: > 0 } tokens)
        {
            output.Out.WriteLine();
            Tokens(output, tokens);
        }
    }

    /// <summary>Seats as info and the admin API show them (public token ids, never bearer tokens).</summary>
    public static void Tokens(Output output, IEnumerable<LicenseTokenInfo> tokens) =>
        output.Table(
            ["TOKEN", "STATE", "MACHINE ID", "CLIENT ID", "CLIENT NAME", "ADDRESS", "EXPIRES", "LAST HEARTBEAT"],
            tokens.Select(t => new object?[]
            {
                t.Token, t.State ?? (t.Revoked ? "ended" : "live"), t.MachineId, t.ClientId, t.ClientName, t.ClientAddr, t.ExpireAt, t.LastHeartbeat,
            }));

    private static string State(LicenseView view) =>
        view.Revoked ? "revoked" : view.Suspended ? "suspended" : view.ExpireAt <= DateTimeOffset.UtcNow ? "expired" : "active";

    private static TimeSpan? Seconds(int? seconds) => seconds is { } value ? TimeSpan.FromSeconds(value) : null;

    private static bool? OnOff(Arguments args, string on, string off) => (args.Flag(on), args.Flag(off)) switch
    {
        (true, true) => throw new UsageException($"options '{on}' and '{off}' exclude each other"),
        (true, false) => true,
        (false, true) => false,
        _ => null,
    };
}

/// <summary>The licensing modes by the names the CLI uses.</summary>
internal static class Modes
{
    public static LicensingMode Parse(string text) => text switch
    {
        "file" or "0" => LicensingMode.File,
        "activation" or "1" => LicensingMode.Activation,
        "floating" or "2" => LicensingMode.Floating,
        _ => throw new UsageException($"option '--mode' must be floating, activation or file, not '{text}'"),
    };

    public static string Name(LicensingMode mode) => mode switch
    {
        LicensingMode.File => "file",
        LicensingMode.Activation => "activation",
        LicensingMode.Floating => "floating",
        _ => ((int)mode).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
