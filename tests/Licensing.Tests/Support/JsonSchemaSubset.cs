using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Licensing.Tests.Support;

/// <summary>
/// Checks a JSON value against the part of OpenAPI 3.0's schema language the document uses: $ref, allOf, oneOf, nullable,
/// type, enum, required, properties, additionalProperties, items, minimum and maximum. Anything else is not checked.
/// </summary>
public sealed class JsonSchemaSubset(JsonNode document)
{
    /// <summary>The schema (or response) a local reference such as <c>#/components/schemas/X</c> names.</summary>
    public JsonNode Resolve(string reference)
    {
        var node = document;
        foreach (var part in reference.TrimStart('#', '/').Split('/'))
        {
            node = node[part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)]
                ?? throw new InvalidOperationException($"The reference {reference} names nothing in the document.");
        }

        return node;
    }

    /// <summary>Every way <paramref name="value"/> breaks <paramref name="schema"/>, each with its JSON path.</summary>
    public List<string> Check(JsonNode schema, JsonNode? value, string at = "$")
    {
        var errors = new List<string>();
        Check(schema, value, at, errors);
        return errors;
    }

    private void Check(JsonNode schema, JsonNode? value, string at, List<string> errors)
    {
        if (schema["$ref"] is { } reference)
        {
            Check(Resolve(reference.GetValue<string>()), value, at, errors);
            return;
        }

        if (value is null)
        {
            if (schema["nullable"]?.GetValue<bool>() != true && Constrains(schema))
            {
                errors.Add($"{at}: null, but the schema is not nullable");
            }

            return;
        }

        foreach (var part in schema["allOf"]?.AsArray() ?? [])
        {
            Check(part!, value, at, errors);
        }

        if (schema["oneOf"] is JsonArray choices)
        {
            var matching = choices.Count(choice => Check(choice!, value, at).Count == 0);
            if (matching != 1)
            {
                errors.Add($"{at}: {value.ToJsonString()} matches {matching} of oneOf's {choices.Count} schemas, not exactly one");
            }
        }

        if (schema["type"]?.GetValue<string>() is { } type && !IsOfType(value, type, schema["format"]?.GetValue<string>()))
        {
            errors.Add($"{at}: {Shorten(value)} is not of type {type}");
            return;
        }

        if (schema["enum"] is JsonArray allowed && !allowed.Any(a => JsonNode.DeepEquals(a, value)))
        {
            errors.Add($"{at}: {value.ToJsonString()} is not one of {allowed.ToJsonString()}");
        }

        CheckRange(schema, value, at, errors);
        if (value is JsonObject obj)
        {
            CheckObject(schema, obj, at, errors);
        }

        if (value is JsonArray array && schema["items"] is { } items)
        {
            for (var i = 0; i < array.Count; i++)
            {
                Check(items, array[i], $"{at}[{i}]", errors);
            }
        }
    }

    private void CheckObject(JsonNode schema, JsonObject value, string at, List<string> errors)
    {
        foreach (var name in schema["required"]?.AsArray().Select(n => n!.GetValue<string>()) ?? [])
        {
            if (!value.ContainsKey(name))
            {
                errors.Add($"{at}: required property '{name}' is missing");
            }
        }

        var properties = schema["properties"]?.AsObject();
        foreach (var (name, child) in value)
        {
            if (properties is not null && properties.TryGetPropertyValue(name, out var propertySchema))
            {
                Check(propertySchema!, child, $"{at}.{name}", errors);
            }
            else if (schema["additionalProperties"] is JsonValue open && !open.GetValue<bool>())
            {
                errors.Add($"{at}: property '{name}' is not in the schema");
            }
            else if (schema["additionalProperties"] is JsonObject extraSchema)
            {
                Check(extraSchema, child, $"{at}.{name}", errors);
            }
        }
    }

    private static void CheckRange(JsonNode schema, JsonNode value, string at, List<string> errors)
    {
        if (value is not JsonValue number || number.GetValueKind() != JsonValueKind.Number)
        {
            return;
        }

        var actual = number.GetValue<decimal>();
        if (schema["minimum"] is { } minimum && actual < minimum.GetValue<decimal>())
        {
            errors.Add($"{at}: {actual.ToString(CultureInfo.InvariantCulture)} is below the minimum {minimum.ToJsonString()}");
        }

        if (schema["maximum"] is { } maximum && actual > maximum.GetValue<decimal>())
        {
            errors.Add($"{at}: {actual.ToString(CultureInfo.InvariantCulture)} is above the maximum {maximum.ToJsonString()}");
        }
    }

    private static bool IsOfType(JsonNode value, string type, string? format) => (type, value.GetValueKind()) switch
    {
        ("object", JsonValueKind.Object) => true,
        ("array", JsonValueKind.Array) => true,
        ("string", JsonValueKind.String) => true,
        ("boolean", JsonValueKind.True or JsonValueKind.False) => true,
        ("number", JsonValueKind.Number) => true,
        ("integer", JsonValueKind.Number) => format == "int32" ? value.AsValue().TryGetValue<int>(out _) : value.AsValue().TryGetValue<long>(out _),
        _ => false,
    };

    /// <summary>Whether the schema says anything at all about a value (an empty schema takes anything, null too).</summary>
    private static bool Constrains(JsonNode schema) =>
        schema["type"] is not null || schema["allOf"] is not null || schema["oneOf"] is not null || schema["enum"] is not null;

    private static string Shorten(JsonNode value)
    {
        var text = value.ToJsonString();
        return text.Length <= 80 ? text : text[..80] + "...";
    }
}
