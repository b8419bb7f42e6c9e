namespace Licensing.Cli;

/// <summary>The options licenses and policies share: the seat terms both carry (<see cref="SeatTerms"/>).</summary>
internal static class SeatTermOptions
{
    public static readonly Option<int?> Overage = new("--overage-seats")
    {
        HelpName = "N", Description = "seats granted beyond --seats, each flagged overage (0 to the seats; default 0)",
        CustomParser = value => ValueParsers.Whole(value, 0, 100_000),
    };

    public static readonly Option<int?> Transfers = new("--max-transfers")
    {
        HelpName = "N", Description = "how often an activation may move to another machine in a rolling 30 days (0: unlimited, the default)",
        CustomParser = value => ValueParsers.Whole(value, 0, 1000),
    };

    public static readonly Option<int?> Heartbeat = new("--heartbeat")
    {
        HelpName = "SECONDS", Description = "how often a floating seat must check in", CustomParser = value => ValueParsers.Whole(value),
    };

    /// <summary>The shared terms create and update both take from the options; what is not given stays unset.</summary>
    public static void Read(Session s, SeatTerms terms)
    {
        terms.OverageSeats = s.Get(Overage);
        terms.MaxTransfers = s.Get(Transfers);
        terms.HeartbeatInterval = s.Get(Heartbeat) is { } seconds ? TimeSpan.FromSeconds(seconds) : null;
        terms.GracePeriod = s.Get(LifecycleOptions.Grace);
        terms.MaxBorrowDuration = s.Get(LifecycleOptions.MaxBorrow);
        terms.Features = EntitlementOptions.FeaturesOf(s);
        terms.Entitlements = EntitlementOptions.EntitlementsOf(s);
        terms.Meters = MeterOptions.MetersOf(s);
        terms.Portal = PortalOption.ValueOf(s);
    }

    /// <summary>Overage and transfer limit as show prints them: <c>0</c> transfers reads <c>unlimited</c>.</summary>
    public static (string Key, object? Value)[] Fields(int overageSeats, int maxTransfers) =>
        [("overageSeats", overageSeats), ("maxTransfers", maxTransfers == 0 ? "unlimited" : maxTransfers)];

    /// <summary>A seat's state in the seats table, marked when it is an overage seat.</summary>
    public static string? StateOf(LicenseTokenInfo token, string? state) => token.Overage ? $"{state} (overage)" : state;
}
