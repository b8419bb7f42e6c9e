namespace Licensing.Cli;

/// <summary>The options licenses and policies share for their entitlements and durations.</summary>
internal static class EntitlementOptions
{
    public static readonly Option<string[]> Features = new("--feature") { HelpName = "F", Description = "a feature the license grants; repeat it for more" };

    public static readonly Option<string[]> Entitlements = new("--entitlement")
    {
        HelpName = "CODE[=VALUE]", Description = "an entitlement, with a value (a number, true/false or text) or without; repeat it for more",
    };

    public static List<string>? FeaturesOf(Session s) => s.Get(Features) is { Length: > 0 } features ? [.. features] : null;

    /// <summary><c>pro</c>, <c>max-projects=20</c>, <c>sso=true</c>, <c>tier=gold</c>.</summary>
    public static List<LicenseEntitlement>? EntitlementsOf(Session s) =>
        s.Get(Entitlements) is { Length: > 0 } given ? given.Select(Parse).ToList() : null;

    /// <summary>Entitlements as one line: <c>pro, max-projects=20, tier="gold" (until 2027-01-01 00:00:00Z)</c>.</summary>
    public static string Describe(IReadOnlyList<LicenseEntitlement> entitlements) =>
        string.Join(", ", entitlements.Select(e =>
            e.Code + (e.Value is { } value ? "=" + value.GetRawText() : "")
            + (e.ExpireAt is { } end ? " (until " + end.ToString("u", CultureInfo.InvariantCulture) + ")" : "")));

    /// <summary>A span: a whole number and its unit, d, h, m or s.</summary>
    public static TimeSpan? Span(ArgumentResult value)
    {
        var text = ValueParsers.Text(value);
        if (text.Length > 1 && long.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var amount) && amount is > 0 and <= 36_500L * 86_400)
        {
            TimeSpan? span = text[^1] switch
            {
                'd' when amount <= 36_500 => TimeSpan.FromDays(amount),
                'h' when amount <= 36_500L * 24 => TimeSpan.FromHours(amount),
                'm' when amount <= 36_500L * 1440 => TimeSpan.FromMinutes(amount),
                's' => TimeSpan.FromSeconds(amount),
                _ => null,
            };
            if (span is not null)
            {
                return span;
            }
        }

        value.AddError($"option '{(value.Parent is OptionResult option ? option.Option.Name : value.Argument.Name)}' needs a span such as 365d, 12h, 30m or 90s, not '{text}'");
        return null;
    }

    private static LicenseEntitlement Parse(string given)
    {
        var separator = given.IndexOf('=', StringComparison.Ordinal);
        if (separator < 0)
        {
            return new LicenseEntitlement { Code = given };
        }

        var text = given[(separator + 1)..];
        var json = text is "true" or "false" || double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            ? text
            : JsonSerializer.Serialize(text);
        using var document = JsonDocument.Parse(json);
        return new LicenseEntitlement { Code = given[..separator], Value = document.RootElement.Clone() };
    }
}
