namespace Licensing.Cli;

/// <summary><c>licensing policies ...</c>: the admin API's policies, named templates of license terms.</summary>
internal static class PolicyCommands
{
    private static readonly Argument<string> PolicyId = new("ID") { Description = "the policy's id, as list shows it" };

    private static readonly Option<string> Name = new("--name") { HelpName = "NAME", Description = "the policy's name, e.g. Pro", Required = true, CustomParser = ValueParsers.NonEmpty };

    private static readonly Option<string> NewName = new("--name") { HelpName = "NAME", Description = "the policy's new name" };

    private static readonly Option<LicensingMode> Mode = new("--mode")
    {
        HelpName = "floating|activation|file", Description = "the mode of its licenses", Required = true, CustomParser = Modes.Parse,
    };

    private static readonly Option<int> Seats = new("--seats")
    {
        HelpName = "N", Description = "seats or machines of its licenses", Required = true, CustomParser = value => ValueParsers.Whole(value),
    };

    private static readonly Option<int?> NewSeats = new("--seats")
    {
        HelpName = "N", Description = "the new number of seats or machines", CustomParser = value => ValueParsers.Whole(value),
    };

    private static readonly Option<string> Product = new("--product") { HelpName = "ID", Description = "the product it is for (default: default)" };

    private static readonly Option<TimeSpan?> Duration = new("--duration")
    {
        HelpName = "SPAN", Description = "how long its licenses run from their creation: 365d, 12h, 30m or 90s", CustomParser = EntitlementOptions.Span,
    };

    private static readonly Option<TimeSpan?> SupportDuration = new("--support-duration")
    {
        HelpName = "SPAN", Description = "how long their support runs, a SPAN as for --duration", CustomParser = EntitlementOptions.Span,
    };

    private static readonly Option<bool> Trial = new("--trial") { Description = "the product's trial policy (one per product; activation mode, with a --duration)", CustomParser = ValueParsers.Flag };

    private static readonly Option<bool> NoTrial = new("--no-trial") { Description = "no longer the product's trial policy", CustomParser = ValueParsers.Flag };

    private static readonly Option<int?> PageSize = new("--page-size")
    {
        HelpName = "N", Description = "how many to a page, 1 to 1000", CustomParser = value => ValueParsers.Whole(value, 1, 1000),
    };

    private static readonly Option<bool> All = new("--all") { Description = "follow the pages to the end", CustomParser = ValueParsers.Flag };

    public static Command Group() => new("policies", "Policies: named templates of license terms (admin key)")
    {
        new Command("create", "Define a policy; licenses create --policy ID copies its terms.")
        {
            Name, Mode, Seats, SeatTermOptions.Overage, SeatTermOptions.Transfers, Product, Duration, SupportDuration, SeatTermOptions.Heartbeat, LifecycleOptions.Grace,
            LifecycleOptions.MaxBorrow, EntitlementOptions.Features, EntitlementOptions.Entitlements, MeterOptions.Meters, Trial, PortalOption.Portal,
        }.Runs(CreateAsync),
        new Command("list", $"List policies, one page; {Product.Name} lists one product's, {All.Name} follows the pages.") { Product, PageSize, All }.Runs(ListAsync),
        new Command("show", "Show a policy.") { PolicyId }.Runs(ShowAsync),
        new Command("update", "Change a policy; licenses created from it before keep their terms.")
        {
            PolicyId, NewName, NewSeats, SeatTermOptions.Overage, SeatTermOptions.Transfers, Duration, SupportDuration, SeatTermOptions.Heartbeat, LifecycleOptions.Grace,
            LifecycleOptions.MaxBorrow, EntitlementOptions.Features, EntitlementOptions.Entitlements, MeterOptions.Meters, MeterOptions.NoMeters, Trial, NoTrial, PortalOption.Portal,
        }.Runs(UpdateAsync),
        new Command("delete", "Delete a policy; licenses created from it keep their terms.") { PolicyId }.Runs(DeleteAsync),
    };

    private static async Task<int> CreateAsync(Session s)
    {
        var policy = WithTerms(s, new NewPolicy
        {
            Name = s.Required(Name),
            LicensingMode = s.Required(Mode),
            MaxClientCount = s.Required(Seats),
            ProductId = s.Get(Product),
        });
        policy.Trial = s.Get(Trial) ? true : null;
        Show(s, await s.Admin().CreatePolicyAsync(policy));
        return 0;
    }

    private static async Task<int> ListAsync(Session s)
    {
        var admin = s.Admin();
        var (items, more) = await Pages.ReadAsync(s.Get(All), async token =>
        {
            var next = await admin.ListPoliciesAsync(s.Get(Product), s.Get(PageSize), token);
            return (next.Items, next.ContinuationToken);
        });
        return s.ShowTable(
            ["POLICY ID", "NAME", "PRODUCT", "MODE", "SEATS", "DURATION", "TRIAL", "ENTITLEMENTS"],
            items.Select(p => new object?[]
            {
                p.PolicyId, p.Name, p.ProductId, Modes.Name(p.LicensingMode), p.MaxClientCount, p.Duration, p.Trial ? "yes" : "no",
                EntitlementOptions.Describe(p.Entitlements),
            }),
            more,
            "more policies");
    }

    private static async Task<int> ShowAsync(Session s)
    {
        Show(s, await s.Admin().GetPolicyAsync(s.Required(PolicyId)));
        return 0;
    }

    private static async Task<int> UpdateAsync(Session s)
    {
        var changes = WithTerms(s, new PolicyChanges { Name = s.Get(NewName), MaxClientCount = s.Get(NewSeats) });
        changes.Trial = (s.Get(Trial), s.Get(NoTrial)) switch
        {
            (true, true) => throw new UsageException($"options '{Trial.Name}' and '{NoTrial.Name}' exclude each other"),
            (true, false) => true,
            (false, true) => false,
            _ => null,
        };
        if (changes is
            {
                Name: null, MaxClientCount: null, OverageSeats: null, MaxTransfers: null, Duration: null, SupportDuration: null, HeartbeatInterval: null,
                GracePeriod: null, MaxBorrowDuration: null, Features: null, Entitlements: null, Meters: null, Trial: null, Portal: null,
            })
        {
            throw new UsageException(
                $"nothing to change: give {NewName.Name}, {NewSeats.Name}, {SeatTermOptions.Overage.Name}, {SeatTermOptions.Transfers.Name}, {Duration.Name}, {SupportDuration.Name}, "
                + $"{SeatTermOptions.Heartbeat.Name}, {LifecycleOptions.Grace.Name}, {LifecycleOptions.MaxBorrow.Name}, "
                + $"{EntitlementOptions.Features.Name}, {EntitlementOptions.Entitlements.Name}, {MeterOptions.Meters.Name}/{MeterOptions.NoMeters.Name}, "
                + $"{Trial.Name}/{NoTrial.Name} or {PortalOption.Portal.Name}");
        }

        Show(s, await s.Admin().UpdatePolicyAsync(s.Required(PolicyId), changes));
        return 0;
    }

    private static async Task<int> DeleteAsync(Session s)
    {
        var policyId = s.Required(PolicyId);
        await s.Admin().DeletePolicyAsync(policyId);
        return s.ShowDeleted("policyId", policyId, "policy");
    }

    /// <summary>The terms that create and update both take from the options (name and seat limit are other options in each).</summary>
    private static T WithTerms<T>(Session s, T terms)
        where T : PolicyTerms
    {
        SeatTermOptions.Read(s, terms);
        terms.Duration = s.Get(Duration);
        terms.SupportDuration = s.Get(SupportDuration);
        return terms;
    }

    private static void Show(Session s, PolicyView view)
    {
        if (s.Out.Json)
        {
            s.PrintAnswer();
            return;
        }

        s.Out.Fields(
        [
            ("policyId", view.PolicyId),
            ("name", view.Name),
            ("productId", view.ProductId),
            ("licensingMode", Modes.Name(view.LicensingMode)),
            ("maxClientCount", view.MaxClientCount),
            .. SeatTermOptions.Fields(view.OverageSeats, view.MaxTransfers),
            ("duration", view.Duration),
            ("supportDuration", view.SupportDuration),
            ("heartbeatInterval", view.HeartbeatInterval),
            ("gracePeriod", view.GracePeriod),
            ("maxBorrowDuration", view.MaxBorrowDuration),
            ("entitlements", EntitlementOptions.Describe(view.Entitlements)),
            ("meters", MeterOptions.Describe(view.Meters)),
            ("trial", view.Trial ? "yes" : "no"),
            PortalOption.Field(view.Portal),
            ("createdAt", view.CreatedAt),
        ]);
    }
}
