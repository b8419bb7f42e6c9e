namespace Licensing.Cli;

/// <summary>The options licenses and policies share for seats beyond the limit and moves between machines.</summary>
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

    /// <summary>Overage and transfer limit as show prints them: <c>0</c> transfers reads <c>unlimited</c>.</summary>
    public static (string Key, object? Value)[] Fields(int overageSeats, int maxTransfers) =>
        [("overageSeats", overageSeats), ("maxTransfers", maxTransfers == 0 ? "unlimited" : maxTransfers)];

    /// <summary>A seat's state in the seats table, marked when it is an overage seat.</summary>
    public static string? StateOf(LicenseTokenInfo token, string? state) => token.Overage ? $"{state} (overage)" : state;
}
