namespace Licensing.Http;

/// <summary>
/// Reads <c>entitlements: [{code, value?, expireAt?}]</c> of an admin body, each wrong part an error of its own field
/// (<c>entitlements[2].code</c>), and merges the <c>features</c> shorthand into it.
/// </summary>
public static class EntitlementReader
{
    public const string Field = "entitlements";

    public static IReadOnlyList<Entitlement>? Read(JsonFields fields)
    {
        if (fields.Element(Field) is not { } array)
        {
            return null;
        }

        if (array.ValueKind != JsonValueKind.Array || array.GetArrayLength() > Entitlement.MaxCount)
        {
            fields.AddError(Field, $"must be an array of at most {Entitlement.MaxCount} objects {{code, value?, expireAt?}}.");
            return null;
        }

        var entitlements = new List<Entitlement>();
        var valid = true;
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"{Field}[{index++}]");
            if (item.ValueKind != JsonValueKind.Object)
            {
                fields.AddError(name, "must be an object {code, value?, expireAt?}.");
                valid = false;
                continue;
            }

            var entry = new JsonFields(item);
            var code = entry.Text("code", Entitlement.MaxCodeLength, required: true);
            if (code is not null && !Entitlement.IsCode(code))
            {
                entry.AddError("code", $"must be 1 to {Entitlement.MaxCodeLength} of a-z, 0-9, '.', '_' and '-'.");
            }

            var value = Value(entry);
            var expireAt = entry.Timestamp("expireAt");
            entry.RefuseUnknown(["code", "value", "expireAt"]);
            foreach (var (part, messages) in entry.Errors)
            {
                foreach (var message in messages)
                {
                    fields.AddError($"{name}.{part}", message);
                }
            }

            if (entry.HasErrors)
            {
                valid = false;
                continue;
            }

            if (entitlements.Any(e => e.Code == code))
            {
                fields.AddError($"{name}.code", $"'{code}' appears more than once.");
                valid = false;
                continue;
            }

            entitlements.Add(new Entitlement(code!, value, expireAt));
        }

        return valid ? entitlements : null;
    }

    /// <summary>
    /// The entitlements a body grants, <c>features</c> merged in as codes without value (an entitlement of the same
    /// code wins); null when the body names neither.
    /// </summary>
    public static IReadOnlyList<Entitlement>? Merge(JsonFields fields, IReadOnlyList<string>? features, IReadOnlyList<Entitlement>? entitlements)
    {
        if (features is null && entitlements is null)
        {
            return null;
        }

        var merged = (entitlements ?? []).ToList();
        merged.AddRange(Features(features).Where(f => merged.All(e => e.Code != f.Code)));
        if (merged.Count > Entitlement.MaxCount)
        {
            fields.AddError(Field, $"features and entitlements together must name at most {Entitlement.MaxCount} codes.");
            return null;
        }

        if (Encoding.UTF8.GetByteCount(Storage.EntitlementList.Format(merged)) > Entitlement.MaxJsonBytes)
        {
            fields.AddError(Field, $"together must take at most {Entitlement.MaxJsonBytes} bytes as JSON.");
            return null;
        }

        return merged;
    }

    private static IEnumerable<Entitlement> Features(IReadOnlyList<string>? features) => (features ?? []).Select(code => new Entitlement(code));

    private static string? Value(JsonFields entry)
    {
        if (entry.Element("value") is not { } value)
        {
            return null;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.True or JsonValueKind.False:
                return value.GetRawText();
            case JsonValueKind.Number when value.TryGetDouble(out var number) && double.IsFinite(number):
                return value.GetRawText();
            case JsonValueKind.String when entry.Text("value", Entitlement.MaxStringValue) is { } text:
                return JsonSerializer.Serialize(text, ApiJson.Wire.String);
            case JsonValueKind.String:
                return null; // Text added the error.
            default:
                entry.AddError("value", "must be a string, a number or true/false.");
                return null;
        }
    }
}
