namespace Licensing.Http;

/// <summary>An entitlement as answers and views show it: its value as the JSON it was given, its expiry if it has one.</summary>
public sealed record EntitlementView(
    string Code,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonElement? Value,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Timestamp? ExpireAt);

public static class EntitlementViews
{
    public static IReadOnlyList<EntitlementView> Of(IReadOnlyList<Entitlement> entitlements) =>
        entitlements.Select(e => new EntitlementView(e.Code, ValueOf(e.ValueJson), Timestamp.From(e.ExpireAt))).ToArray();

    private static JsonElement? ValueOf(string? json)
    {
        if (json is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
