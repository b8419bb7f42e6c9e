using System.Text.Json;
using Licensing.Domain;

namespace Licensing.Audit;

/// <summary>Meters in the API's shape, <c>[{code, limit, resetPeriod, overage}]</c>, for events.</summary>
internal static class MeterJson
{
    public static void Write(Utf8JsonWriter json, IReadOnlyList<Meter> meters)
    {
        json.WriteStartArray();
        foreach (var meter in meters)
        {
            json.WriteStartObject();
            json.WriteString("code", meter.Code);
            if (meter.Limit is { } limit)
            {
                json.WriteNumber("limit", limit);
            }
            else
            {
                json.WriteNull("limit");
            }

            json.WriteString("resetPeriod", Meter.PeriodName(meter.Period));
            json.WriteNumber("overage", meter.Overage);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }
}
