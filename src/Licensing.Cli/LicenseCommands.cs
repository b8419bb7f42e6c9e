namespace Licensing.Cli;

/// <summary><c>licensing licenses ...</c>: the admin API's licenses.</summary>
internal static class LicenseCommands
{
    private static readonly Argument<string> LicenseId = new("ID") { Description = "the license's id, as list shows it" };

    private static readonly Argument<string> MeterCode = new("CODE") { Description = "the meter's code, as show lists it" };

    private static readonly Argument<string> SeatToken = new("TOKEN") { Description = "the seat's public id (as show lists it) or its bearer token" };

    private static readonly Option<LicensingMode?> Mode = new("--mode")
    {
        HelpName = "floating|activation|file", Description = "floating seats, node-locked activations, or a signed license file (required without --policy)",
        CustomParser = value => Modes.Parse(value),
    };

    private static readonly Option<int?> Seats = new("--seats")
    {
        HelpName = "N", Description = "seats held at once (floating) or machines activated (activation) (required without --policy)",
        CustomParser = value => ValueParsers.Whole(value),
    };

    private static readonly Option<int?> NewSeats = new("--seats")
    {
        HelpName = "N", Description = "the new number of seats or machines", CustomParser = value => ValueParsers.Whole(value),
    };

    private static readonly Option<string> Product = new("--product") { HelpName = "ID", Description = "the product the license is for" };

    private static readonly Option<DateTimeOffset?> Expires = new("--expires")
    {
        HelpName = "DATE", Description = "when the license ends: a day (2030-01-01, midnight UTC) or an RFC 3339 time (2030-01-01T12:00:00Z)",
        CustomParser = ValueParsers.Date,
    };

    private static readonly Option<DateTimeOffset?> SupportExpires = new("--support-expires")
    {
        HelpName = "DATE", Description = "when its support ends, a DATE as for --expires", CustomParser = ValueParsers.Date,
    };

    private static readonly Option<string> Customer = new("--customer") { HelpName = "NAME", Description = "the customer's name" };

    private static readonly Option<string[]> Features = EntitlementOptions.Features;

    private static readonly Option<string[]> Entitlements = EntitlementOptions.Entitlements;

    private static readonly Option<string> Policy = new("--policy") { HelpName = "ID", Description = "a policy whose terms the license copies (the options given win)" };

    private static readonly Option<string> Search = new("--search")
    {
        HelpName = "TEXT", Description = "find by license id, exact user key, or the start of the customer's name (case ignored)",
    };

    private static readonly Option<string> OfProduct = new("--product") { HelpName = "ID", Description = "only this product's licenses" };

    private static readonly Option<DateTimeOffset?> From = new("--from")
    {
        HelpName = "DATE", Description = "the first hour, a DATE as for --expires (default: 30 days before --to)", CustomParser = ValueParsers.Date,
    };

    private static readonly Option<DateTimeOffset?> To = new("--to")
    {
        HelpName = "DATE", Description = "the last hour, a DATE as for --expires (default: now)", CustomParser = ValueParsers.Date,
    };

    private static readonly Option<string> UserKey = new("--user-key") { HelpName = "KEY", Description = "the key its users enter (default: one the server generates)" };

    private static readonly Option<int?> PageSize = new("--page-size")
    {
        HelpName = "N", Description = "how many to a page, 1 to 1000", CustomParser = value => ValueParsers.Whole(value, 1, 1000),
    };

    private static readonly Option<bool> All = new("--all") { Description = "follow the pages to the end", CustomParser = ValueParsers.Flag };

    private static readonly Option<bool> Suspend = new("--suspend") { Description = "stop its seats being granted, until --resume", CustomParser = ValueParsers.Flag };

    private static readonly Option<bool> Resume = new("--resume") { Description = "undo --suspend", CustomParser = ValueParsers.Flag };

    private static readonly Option<bool> Revoke = new("--revoke") { Description = "end the license: every call on it is denied", CustomParser = ValueParsers.Flag };

    private static readonly Option<bool> Unrevoke = new("--unrevoke") { Description = "undo --revoke", CustomParser = ValueParsers.Flag };

    public static Command Group() => new("licenses", "Licenses (admin key)")
    {
        new Command("create", $"Create a license. Without {UserKey.Name} the server generates one.")
        {
            Policy, Mode, Seats, SeatTermOptions.Overage, SeatTermOptions.Transfers, Product, Expires, SupportExpires, SeatTermOptions.Heartbeat, LifecycleOptions.Grace,
            LifecycleOptions.MaxBorrow, Customer, Features, Entitlements, MeterOptions.Meters, PortalOption.Portal, UserKey,
        }.Runs(CreateAsync),
        new Command("list", $"List licenses, one page; {All.Name} follows the pages to the end.") { Search, OfProduct, PageSize, All }.Runs(ListAsync),
        new Command("show", "Show a license, its meters and its seats.") { LicenseId }.Runs(ShowAsync),
        new Command("update", $"Change a license; {Features.Name} replaces the features.")
        {
            LicenseId, NewSeats, SeatTermOptions.Overage, SeatTermOptions.Transfers, Expires, SupportExpires, SeatTermOptions.Heartbeat, LifecycleOptions.Grace,
            LifecycleOptions.MaxBorrow, Customer, Features, Entitlements, MeterOptions.Meters, MeterOptions.NoMeters, PortalOption.Portal, Suspend, Resume, Revoke, Unrevoke,
        }.Runs(UpdateAsync),
        new Command("delete", "Delete a license; its tokens stop working at once.") { LicenseId }.Runs(DeleteAsync),
        new Command("usage", "Show a license's seats in use, granted and refused, and its meters' units, per UTC hour.") { LicenseId, From, To }.Runs(UsageAsync),
        new Command("events", "Show a license's audit trail, newest first (also of a deleted license).") { LicenseId, PageSize, All }.Runs(EventsAsync),
        new Command("revoke-token", "End one seat now; TOKEN is its public id (as show lists it) or its bearer token.")
        {
            LicenseId, SeatToken,
        }.Runs(RevokeTokenAsync),
        new Command("reset-meter", "Start a meter's count again from zero (its period unchanged).") { LicenseId, MeterCode }.Runs(ResetMeterAsync),
        LicenseTransferCommands.Export(),
        LicenseTransferCommands.Import(),
    };

    private static async Task<int> CreateAsync(Session s)
    {
        var policyId = s.Get(Policy);
        if (policyId is null && (s.Get(Mode) is null || s.Get(Seats) is null))
        {
            // Required unless a policy gives them.
            throw new UsageException($"option '{(s.Get(Mode) is null ? Mode.Name : Seats.Name)}' is required");
        }

        var license = WithTerms(s, new NewLicense
        {
            PolicyId = policyId,
            LicensingMode = s.Get(Mode),
            MaxClientCount = s.Get(Seats),
            ProductId = s.Get(Product),
            UserKey = s.Get(UserKey),
        });

        var view = await s.Admin().CreateLicenseAsync(license);
        Show(s, view);
        return 0;
    }

    private static async Task<int> ListAsync(Session s)
    {
        var pageSize = s.Get(PageSize);
        var admin = s.Admin();

        var (items, more) = await Pages.ReadAsync(s.Get(All), async token =>
        {
            var next = await admin.SearchLicensesAsync(s.Get(Search), s.Get(OfProduct), pageSize, token);
            return (next.Items, next.ContinuationToken);
        });
        var page = new LicensePage { Items = items, ContinuationToken = more };

        return s.ShowTable(
            ["LICENSE ID", "USER KEY", "MODE", "SEATS", "PRODUCT", "CUSTOMER", "EXPIRES", "STATE"],
            page.Items.Select(l => new object?[]
            {
                l.LicenseId, l.UserKey, Modes.Name(l.LicensingMode), $"{l.ActiveClientCount}/{l.MaxClientCount}",
                l.ProductId, l.CustomerName, l.ExpireAt, State(l),
            }),
            page.ContinuationToken,
            "more licenses");
    }

    private static async Task<int> ShowAsync(Session s)
    {
        Show(s, await s.Admin().GetLicenseAsync(s.Required(LicenseId)));
        return 0;
    }

    private static async Task<int> UpdateAsync(Session s)
    {
        var changes = WithTerms(s, new LicenseChanges { MaxClientCount = s.Get(NewSeats) });
        changes.Suspended = OnOff(s, Suspend, Resume);
        changes.Revoked = OnOff(s, Revoke, Unrevoke);
        if (changes is
            {
                MaxClientCount: null, OverageSeats: null, MaxTransfers: null, ExpireAt: null, SupportExpireAt: null, HeartbeatInterval: null, GracePeriod: null,
                MaxBorrowDuration: null, CustomerName: null, Features: null, Entitlements: null, Meters: null, Portal: null, Suspended: null, Revoked: null,
            })
        {
            throw new UsageException(
                $"nothing to change: give {NewSeats.Name}, {SeatTermOptions.Overage.Name}, {SeatTermOptions.Transfers.Name}, {Expires.Name}, {SupportExpires.Name}, {SeatTermOptions.Heartbeat.Name}, "
                + $"{LifecycleOptions.Grace.Name}, {LifecycleOptions.MaxBorrow.Name}, {Customer.Name}, {Features.Name}, {Entitlements.Name}, {PortalOption.Portal.Name}, "
                + $"{MeterOptions.Meters.Name}/{MeterOptions.NoMeters.Name}, {Suspend.Name}/{Resume.Name} or {Revoke.Name}/{Unrevoke.Name}");
        }

        Show(s, await s.Admin().UpdateLicenseAsync(s.Required(LicenseId), changes));
        return 0;
    }

    private static async Task<int> DeleteAsync(Session s)
    {
        var licenseId = s.Required(LicenseId);
        await s.Admin().DeleteLicenseAsync(licenseId);
        return s.ShowDeleted("licenseId", licenseId, "license");
    }

    private static async Task<int> EventsAsync(Session s)
    {
        var licenseId = s.Required(LicenseId);
        var pageSize = s.Get(PageSize);
        var admin = s.Admin();

        var (items, more) = await Pages.ReadAsync(s.Get(All), async token =>
        {
            var next = await admin.ListLicenseEventsAsync(licenseId, pageSize, token);
            return (next.Items, next.ContinuationToken);
        });
        var page = new AuditEventPage { Items = items, ContinuationToken = more };

        return s.ShowTable(
            ["AT", "EVENT", "ACTOR", "ADDRESS", "MACHINE", "CLIENT", "TOKEN", "CHANGES"],
            page.Items.Select(e => new object?[]
            {
                e.At, e.Type, e.Actor, e.ClientAddr, e.MachineId, e.ClientId, e.Token, e.Changes?.GetRawText(),
            }),
            page.ContinuationToken,
            "older events");
    }

    private static async Task<int> UsageAsync(Session s)
    {
        var usage = await s.Admin().GetLicenseUsageAsync(s.Required(LicenseId), s.Get(From), s.Get(To));
        return s.ShowTable(
            ["HOUR", "PEAK SEATS", "GRANTS", "DENIALS", "METERED"],
            usage.Items.Select(h => new object?[] { h.Hour, h.PeakSeats, h.Grants, h.Denials, string.Join(", ", h.Meters.Select(m => $"{m.Code}={m.Units}")) }));
    }

    private static async Task<int> ResetMeterAsync(Session s)
    {
        Show(s, await s.Admin().ResetMeterAsync(s.Required(LicenseId), s.Required(MeterCode)));
        return 0;
    }

    private static async Task<int> RevokeTokenAsync(Session s)
    {
        Show(s, await s.Admin().RevokeTokenAsync(s.Required(LicenseId), s.Required(SeatToken)));
        return 0;
    }

    /// <summary>One license: its fields, then its seats when the server listed them.</summary>
    private static void Show(Session s, LicenseView view)
    {
        var output = s.Out;
        if (output.Json)
        {
            s.PrintAnswer();
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
            .. SeatTermOptions.Fields(view.OverageSeats, view.MaxTransfers),
            ("expireAt", view.ExpireAt),
            ("supportExpireAt", view.SupportExpireAt),
            ("heartbeatInterval", view.HeartbeatInterval),
            ("gracePeriod", view.GracePeriod),
            ("maxBorrowDuration", view.MaxBorrowDuration),
            ("customerName", view.CustomerName),
            ("features", view.Features),
            ("entitlements", EntitlementOptions.Describe(view.Entitlements)),
            ("policyId", view.PolicyId),
            PortalOption.Field(view.Portal),
            ("state", State(view)),
            ("issuedAt", view.IssuedAt),
        ]);
        if (view.Meters is { Count: > 0 } meters)
        {
            output.Out.WriteLine();
            MeterOptions.Table(output, meters);
        }

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
                t.Token, SeatTermOptions.StateOf(t, t.State ?? (t.Revoked ? "ended" : "live")), t.MachineId, t.ClientId, t.ClientName, t.ClientAddr, t.ExpireAt, t.LastHeartbeat,
            }));

    private static string State(LicenseView view) =>
        view.Revoked ? "revoked" : view.Suspended ? "suspended" : view.ExpireAt <= DateTimeOffset.UtcNow ? "expired" : "active";

    /// <summary>The terms that create and update both take from the options (the seat limit is another option in each).</summary>
    private static T WithTerms<T>(Session s, T terms)
        where T : LicenseTerms
    {
        SeatTermOptions.Read(s, terms);
        terms.ExpireAt = s.Get(Expires);
        terms.SupportExpireAt = s.Get(SupportExpires);
        terms.CustomerName = s.Get(Customer);
        return terms;
    }

    private static bool? OnOff(Session s, Option<bool> on, Option<bool> off) => (s.Get(on), s.Get(off)) switch
    {
        (true, true) => throw new UsageException($"options '{on.Name}' and '{off.Name}' exclude each other"),
        (true, false) => true,
        (false, true) => false,
        _ => null,
    };
}

/// <summary>The licensing modes by the names the CLI uses.</summary>
internal static class Modes
{
    /// <summary>The value of <c>--mode</c>: a mode's name or its number.</summary>
    public static LicensingMode Parse(ArgumentResult value) => ValueParsers.Text(value) switch
    {
        "file" or "0" => LicensingMode.File,
        "activation" or "1" => LicensingMode.Activation,
        "floating" or "2" => LicensingMode.Floating,
        var text => ValueParsers.Reject<LicensingMode>(value, text, "floating", "activation", "file"),
    };

    public static string Name(LicensingMode mode) => mode switch
    {
        LicensingMode.File => "file",
        LicensingMode.Activation => "activation",
        LicensingMode.Floating => "floating",
        _ => ((int)mode).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
