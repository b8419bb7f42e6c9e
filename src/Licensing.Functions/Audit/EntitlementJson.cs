using System.Text.Json;
using Licensing.Domain;
using Licensing.Http;

namespace Licensing.Audit;

/// <summary>Entitlements in the API's shape, <c>[{code, value?, expireAt?}]</c>, for events.</summary>
internal static class EntitlementJson
{
    public static void Write(Utf8JsonWriter json, IReadOnlyList<Entitlement> entitlements)
    {
        json.WriteStartArray();
        foreach (var entitlement in entitlements)
        {
            json.WriteStartObject();
            json.WriteString("code", entitlement.Code);
            if (entitlement.ValueJson is { } value)
            {
                json.WritePropertyName("value");
                json.WriteRawValue(value);
            }

            if (Timestamp.From(entitlement.ExpireAt) is { } expireAt)
            {
                json.WriteStartObject("expireAt");
                json.WriteNumber("seconds", expireAt.Seconds);
                json.WriteNumber("nanos", expireAt.Nanos);
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
    }
}
