namespace Licensing.Domain;

/// <summary>How often a meter's count starts again: at UTC midnight, weeks on Monday, months on the 1st, years on 1 January.</summary>
public enum MeterPeriod
{
    None = 0,
    Day = 1,
    Week = 2,
    Month = 3,
    Year = 4,
}

/// <summary>
/// A meter of a license or policy: what it counts (<see cref="Code"/>), how many units a period allows
/// (<see cref="Limit"/>; null: unlimited), when the count starts again, and how many units past the limit are still
/// recorded, flagged as overage.
/// </summary>
public sealed record Meter(string Code, long? Limit = null, MeterPeriod Period = MeterPeriod.None, long Overage = 0)
{
    public const int MaxCount = 20;
    public const long MaxLimit = 1_000_000_000_000_000;

    /// <summary>The most units a period records: the limit plus the overage; null when unlimited.</summary>
    public long? Ceiling => Limit is { } limit ? limit + Overage : null;

    public static string? PeriodName(MeterPeriod period) => period switch
    {
        MeterPeriod.Day => "day",
        MeterPeriod.Week => "week",
        MeterPeriod.Month => "month",
        MeterPeriod.Year => "year",
        _ => null,
    };

    public static MeterPeriod? ParsePeriod(string name) => name switch
    {
        "day" => MeterPeriod.Day,
        "week" => MeterPeriod.Week,
        "month" => MeterPeriod.Month,
        "year" => MeterPeriod.Year,
        _ => null,
    };
}

/// <summary>The units of one meter recorded in one UTC hour (the usage history).</summary>
public sealed record MeterUnits(string Code, long Units);

/// <summary>The calendar of meter periods, all in UTC.</summary>
public static class MeterPeriods
{
    /// <summary>When the period holding <paramref name="at"/> started; for a meter without a period, the Unix epoch.</summary>
    public static DateTimeOffset StartOf(MeterPeriod period, DateTimeOffset at)
    {
        var day = new DateTimeOffset(at.UtcDateTime.Date, TimeSpan.Zero);
        return period switch
        {
            MeterPeriod.Day => day,
            MeterPeriod.Week => day.AddDays(-(((int)day.DayOfWeek + 6) % 7)),
            MeterPeriod.Month => new DateTimeOffset(day.Year, day.Month, 1, 0, 0, 0, TimeSpan.Zero),
            MeterPeriod.Year => new DateTimeOffset(day.Year, 1, 1, 0, 0, 0, TimeSpan.Zero),
            _ => DateTimeOffset.UnixEpoch,
        };
    }

    /// <summary>When the period that started at <paramref name="start"/> ends; null for a meter without a period.</summary>
    public static DateTimeOffset? EndOf(MeterPeriod period, DateTimeOffset start) => period switch
    {
        MeterPeriod.Day => start.AddDays(1),
        MeterPeriod.Week => start.AddDays(7),
        MeterPeriod.Month => start.AddMonths(1),
        MeterPeriod.Year => start.AddYears(1),
        _ => null,
    };
}
