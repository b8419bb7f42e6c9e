namespace Licensing.Cli;

/// <summary>The lifecycle terms licenses and policies share: grace after expiry and the longest borrow.</summary>
internal static class LifecycleOptions
{
    public static readonly Option<TimeSpan?> Grace = new("--grace")
    {
        HelpName = "SPAN", Description = "how long it keeps working after it expires, flagged as in grace (up to 90d; 0 for none)", CustomParser = SpanOrZero,
    };

    public static readonly Option<TimeSpan?> MaxBorrow = new("--max-borrow")
    {
        HelpName = "SPAN", Description = "the longest a floating seat may be borrowed for offline work (up to 90d; 0: no borrowing)", CustomParser = SpanOrZero,
    };

    /// <summary>A span as for --duration, or 0 (also 0d, 0h, 0m, 0s) to turn the term off.</summary>
    private static TimeSpan? SpanOrZero(ArgumentResult value) =>
        ValueParsers.Text(value) is "0" or "0d" or "0h" or "0m" or "0s" ? TimeSpan.Zero : EntitlementOptions.Span(value);
}
