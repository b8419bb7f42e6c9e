namespace Licensing.Audit;

/// <summary>Entitlements in the API's shape, <c>[{code, value?, expireAt?}]</c>, for events.</summary>
internal static class EntitlementJson
{
    public static void Write(Utf8JsonWriter json, IReadOnlyList<Entitlement> entitlements) =>
        json.WriteObjects(entitlements, static (json, entitlement) =>
        {
            json.WriteString("code", entitlement.Code);
            if (entitlement.ValueJson is { } value)
            {
                json.WritePropertyName("value");
                json.WriteRawValue(value);
            }

            if (entitlement.ExpireAt is { } expireAt)
            {
                json.WritePropertyName("expireAt");
                json.WriteTimestampValue(expireAt);
            }
        });
}
