namespace Licensing.Storage;

/// <summary>
/// How a <see cref="SeatUsage"/> is stored: the same columns on the license row (its current hour) and on the hour's
/// own usage row, one instance's refusals on a denials row, and a meter's units of the hour on a row of their own.
/// </summary>
public static class UsageColumns
{
    private const string Hour = "UsageHour";
    private const string Peak = "UsagePeak";
    private const string Grants = "UsageGrants";
    private const string Start = "UsageStart";
    private const string End = "UsageEnd";
    private const string Denials = "Denials";
    private const string MeterCode = "Meter";
    private const string Units = "Units";

    public static SeatUsage? Read(TableEntity e) =>
        e.GetDateTimeOffset(Hour) is { } hour
            ? new SeatUsage(hour, e.GetInt32(Peak) ?? 0, e.GetInt32(Grants) ?? 0, e.GetInt32(Start) ?? 0, e.GetInt32(End) ?? 0)
            : null;

    /// <summary>The entity with the usage's columns added (none when there is no usage yet).</summary>
    public static TableEntity WithUsage(this TableEntity entity, SeatUsage? usage)
    {
        if (usage is not null)
        {
            entity[Hour] = usage.Hour;
            entity[Peak] = usage.PeakSeats;
            entity[Grants] = usage.Grants;
            entity[Start] = usage.StartSeats;
            entity[End] = usage.EndSeats;
        }

        return entity;
    }

    /// <summary>The hour's usage row, written whole (upsert-replace) in the transaction of each seat change of the hour.</summary>
    public static TableEntity UsageRow(string licenseId, SeatUsage usage) =>
        new TableEntity(licenseId, TableKeys.UsageRow(usage.Hour)).WithUsage(usage);

    public static TableEntity DenialsRow(string licenseId, DateTimeOffset hour, string instanceId, long denials) =>
        new(licenseId, TableKeys.UsageDenialsRow(hour, instanceId)) { [Denials] = denials };

    public static long ReadDenials(TableEntity e) => e.GetInt64(Denials) ?? 0;

    /// <summary>The units of one meter recorded in the hour, written whole with each recording of the hour.</summary>
    public static TableEntity MeterUnitsRow(string licenseId, DateTimeOffset hour, string code, long units) =>
        new(licenseId, TableKeys.UsageMeterRow(hour, code)) { [MeterCode] = code, [Units] = units };

    public static MeterUnits ReadMeterUnits(TableEntity e) => new(e.GetString(MeterCode) ?? "", e.GetInt64(Units) ?? 0);
}
