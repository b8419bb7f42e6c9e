namespace Licensing.Storage;

internal static class FeatureList
{
    public static IReadOnlyList<string> Parse(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize(json, StorageJson.Default.StringArray) ?? [];

    public static string Format(IReadOnlyList<string> features) =>
        JsonSerializer.Serialize(features.ToArray(), StorageJson.Default.StringArray);
}

/// <summary>A license's or policy's entitlements as one JSON column; rows written before entitlements existed have only features.</summary>
internal static class EntitlementList
{
    public static IReadOnlyList<Entitlement> Parse(string? entitlementsJson, string? featuresJson)
    {
        if (string.IsNullOrEmpty(entitlementsJson))
        {
            return FeatureList.Parse(featuresJson).Select(code => new Entitlement(code)).ToArray();
        }

        var stored = JsonSerializer.Deserialize(entitlementsJson, StorageJson.Default.StoredEntitlementArray) ?? [];
        return stored.Select(s => new Entitlement(s.Code, s.Value, s.ExpireAt is { } ticks ? new DateTimeOffset(ticks, TimeSpan.Zero) : null)).ToArray();
    }

    public static string Format(IReadOnlyList<Entitlement> entitlements) => JsonSerializer.Serialize(
        entitlements.Select(e => new StoredEntitlement(e.Code, e.ValueJson, e.ExpireAt?.UtcTicks)).ToArray(),
        StorageJson.Default.StoredEntitlementArray);
}

/// <summary>An entitlement as stored: the value as its JSON text, the expiry in UTC ticks.</summary>
internal sealed record StoredEntitlement(
    [property: JsonPropertyName("c")] string Code,
    [property: JsonPropertyName("v")] string? Value,
    [property: JsonPropertyName("e")] long? ExpireAt);

/// <summary>A license's or policy's meters as one JSON column.</summary>
internal static class MeterList
{
    public static IReadOnlyList<Meter> Parse(string? json) => string.IsNullOrEmpty(json)
        ? []
        : (JsonSerializer.Deserialize(json, StorageJson.Default.StoredMeterArray) ?? [])
            .Select(m => new Meter(m.Code, m.Limit, (MeterPeriod)m.Period, m.Overage)).ToArray();

    public static string Format(IReadOnlyList<Meter> meters) => JsonSerializer.Serialize(
        meters.Select(m => new StoredMeter(m.Code, m.Limit, (int)m.Period, m.Overage)).ToArray(),
        StorageJson.Default.StoredMeterArray);
}

/// <summary>A meter's terms as stored.</summary>
internal sealed record StoredMeter(
    [property: JsonPropertyName("c")] string Code,
    [property: JsonPropertyName("l")] long? Limit,
    [property: JsonPropertyName("p")] int Period,
    [property: JsonPropertyName("o")] long Overage);

[JsonSerializable(typeof(string[]), TypeInfoPropertyName = "StringArray")]
[JsonSerializable(typeof(StoredMeter[]), TypeInfoPropertyName = "StoredMeterArray")]
[JsonSerializable(typeof(StoredEntitlement[]), TypeInfoPropertyName = "StoredEntitlementArray")]
internal sealed partial class StorageJson : JsonSerializerContext;
