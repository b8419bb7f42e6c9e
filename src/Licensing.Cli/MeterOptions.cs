namespace Licensing.Cli;

/// <summary>The options licenses and policies share for their meters (usage-based licensing).</summary>
internal static partial class MeterOptions
{
    public static readonly Option<string[]> Meters = new("--meter")
    {
        HelpName = "CODE[=LIMIT][/PERIOD][+OVERAGE]",
        Description = "a meter: exports=1000/month+50 counts exports, 1000 a month (day, week, month or year) and 50 more as overage; "
            + "without =LIMIT unlimited, without /PERIOD never reset; repeat it for more (on update it replaces the meters)",
    };

    public static readonly Option<bool> NoMeters = new("--no-meters") { Description = "remove every meter", CustomParser = ValueParsers.Flag };

    /// <summary>The meters given, an empty list for <c>--no-meters</c>, or null when neither was given.</summary>
    public static List<LicenseMeter>? MetersOf(Session s) => (s.Get(Meters) ?? [], s.Get(NoMeters)) switch
    {
        ({ Length: > 0 }, true) => throw new UsageException($"options '{Meters.Name}' and '{NoMeters.Name}' exclude each other"),
        ({ Length: > 0 } given, false) => given.Select(Parse).ToList(),
        (_, true) => [],
        _ => null,
    };

    /// <summary>Meters' terms as one line, as <c>--meter</c> takes them: <c>exports=1000/month+50, api-calls</c>.</summary>
    public static string Describe(IReadOnlyList<LicenseMeter> meters) => string.Join(", ", meters.Select(m =>
        m.Code
        + (m.Limit is { } limit ? "=" + limit.ToString(CultureInfo.InvariantCulture) : "")
        + (m.ResetPeriod is { } period ? "/" + period : "")
        + (m.Overage is > 0 ? "+" + m.Overage.Value.ToString(CultureInfo.InvariantCulture) : "")));

    /// <summary>A license's meters and their counts, as a table under the license's fields.</summary>
    public static void Table(Output output, IEnumerable<MeterStanding> meters) =>
        output.Table(
            ["METER", "USED", "LIMIT", "REMAINING", "OVERAGE", "PERIOD", "PERIOD ENDS"],
            meters.Select(m => new object?[]
            {
                m.Code, m.Used, m.Limit?.ToString(CultureInfo.InvariantCulture) ?? "unlimited", m.Remaining, m.Overage, m.ResetPeriod ?? "never", m.PeriodEndsAt,
            }));

    private static LicenseMeter Parse(string given)
    {
        if (Spec().Match(given) is not { Success: true } match)
        {
            throw new UsageException($"option '{Meters.Name}' needs CODE[=LIMIT][/PERIOD][+OVERAGE] such as exports=1000/month+50, not '{given}'");
        }

        return new LicenseMeter
        {
            Code = match.Groups["code"].Value,
            Limit = match.Groups["limit"].Success ? long.Parse(match.Groups["limit"].Value, CultureInfo.InvariantCulture) : null,
            ResetPeriod = match.Groups["period"].Success ? match.Groups["period"].Value : null,
            Overage = match.Groups["overage"].Success ? long.Parse(match.Groups["overage"].Value, CultureInfo.InvariantCulture) : null,
        };
    }

    [GeneratedRegex("^(?<code>[^=/+]+)(=(?<limit>[0-9]{1,16}))?(/(?<period>day|week|month|year))?(\\+(?<overage>[0-9]{1,16}))?$", RegexOptions.CultureInvariant)]
    private static partial Regex Spec();
}
