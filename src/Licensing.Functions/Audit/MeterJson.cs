namespace Licensing.Audit;

/// <summary>Meters in the API's shape, <c>[{code, limit, resetPeriod, overage}]</c>, for events.</summary>
internal static class MeterJson
{
    public static void Write(Utf8JsonWriter json, IReadOnlyList<Meter> meters) =>
        json.WriteObjects(meters, static (json, meter) =>
        {
            json.WriteString("code", meter.Code);
            json.WriteNumberOrNull("limit", meter.Limit);
            json.WriteString("resetPeriod", Meter.PeriodName(meter.Period));
            json.WriteNumber("overage", meter.Overage);
        });
}
