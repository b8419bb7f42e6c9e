namespace Licensing.Http;

/// <summary>
/// Typed, case-insensitive access to a request object's properties that gathers per-field errors
/// instead of throwing. Unknown properties are ignored unless the reader refuses them (<see cref="RefuseUnknown"/>).
/// </summary>
public sealed class JsonFields
{
    private readonly Dictionary<string, JsonElement> _properties = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public JsonFields(JsonElement root)
    {
        foreach (var property in root.EnumerateObject())
        {
            if (!_properties.TryAdd(property.Name, property.Value))
            {
                AddError(property.Name, "appears more than once.");
            }
        }
    }

    public bool HasErrors => _errors.Count > 0;

    /// <summary>The errors gathered so far, by field.</summary>
    public IEnumerable<(string Field, IReadOnlyList<string> Messages)> Errors => _errors.Select(e => (e.Key, (IReadOnlyList<string>)e.Value));

    public IActionResult? Problem => HasErrors
        ? Problems.Validation(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal))
        : null;

    /// <summary>
    /// Refuses every property that is not one of <paramref name="known"/>, naming the closest known name when one is
    /// near: admin bodies are strict, so a typo is an error instead of a silent default. Client calls do not call this:
    /// the reference's clients may send more than the contract reads.
    /// </summary>
    public void RefuseUnknown(IReadOnlyCollection<string> known)
    {
        foreach (var name in _properties.Keys.Where(n => !known.Contains(n, StringComparer.OrdinalIgnoreCase)).ToArray())
        {
            AddError(name, FieldNames.Closest(name, known) is { } near
                ? $"is not a known field; did you mean '{near}'?"
                : $"is not a known field; the known fields are {string.Join(", ", known)}.");
        }
    }

    /// <summary>Present in the body, even as null (PATCH clears a value with null).</summary>
    public bool Has(string name) => _properties.ContainsKey(name);

    public void AddError(string name, string message)
    {
        if (!_errors.TryGetValue(name, out var list))
        {
            _errors[name] = list = [];
        }

        list.Add(message);
    }

    /// <summary>A string; null, absent or blank count as missing.</summary>
    public string? Text(string name, int maxLength, bool required = false)
    {
        if (!TryGet(name, required, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            AddError(name, "must be a string.");
            return null;
        }

        if (!TryDecode(value, out var text))
        {
            AddError(name, "must be valid Unicode text.");
            return null;
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            if (required)
            {
                AddError(name, "is required.");
            }

            return null;
        }

        if (text.Length > maxLength)
        {
            AddError(name, $"must be at most {maxLength} characters.");
            return null;
        }

        return text;
    }

    public int? WholeNumber(string name, int min, int max, bool required = false) => (int?)LongNumber(name, min, max, required);

    public long? LongNumber(string name, long min, long max, bool required = false)
    {
        if (!TryGet(name, required, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number))
        {
            AddError(name, "must be a whole number.");
            return null;
        }

        if (number < min || number > max)
        {
            AddError(name, $"must be between {min} and {max}.");
            return null;
        }

        return number;
    }

    public bool? Flag(string name)
    {
        if (!TryGet(name, false, out var value))
        {
            return null;
        }

        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            AddError(name, "must be true or false.");
            return null;
        }

        return value.GetBoolean();
    }

    /// <summary>A Timestamp object <c>{"seconds","nanos"}</c>, or an RFC 3339 string for convenience.</summary>
    public DateTimeOffset? Timestamp(string name)
    {
        if (!TryGet(name, false, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            if (TryDecode(value, out var text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                return InTimestampRange(name, parsed.ToUniversalTime());
            }

            AddError(name, "must be a timestamp {\"seconds\", \"nanos\"} or an RFC 3339 date-time.");
            return null;
        }

        var (seconds, nanos) = SecondsAndNanos(name, value, "timestamp");
        if (seconds is null)
        {
            return null;
        }

        const long maxSeconds = 253_402_300_799; // 9999-12-31T23:59:59Z
        if (seconds < 0 || seconds > maxSeconds)
        {
            AddError(name, TimestampRange);
            return null;
        }

        return new Timestamp(seconds.Value, nanos).ToDateTimeOffset();
    }

    private const string TimestampRange = "must be between 1970 and 9999.";

    /// <summary>Both forms of a timestamp keep to one range (Table Storage refuses dates before 1601).</summary>
    private DateTimeOffset? InTimestampRange(string name, DateTimeOffset at)
    {
        if (at >= DateTimeOffset.UnixEpoch)
        {
            return at;
        }

        AddError(name, TimestampRange);
        return null;
    }

    /// <summary>A Duration object <c>{"seconds","nanos"}</c>.</summary>
    public TimeSpan? Duration(string name, TimeSpan min, TimeSpan max)
    {
        if (!TryGet(name, false, out var value))
        {
            return null;
        }

        var (seconds, nanos) = SecondsAndNanos(name, value, "duration");
        if (seconds is null)
        {
            return null;
        }

        if (seconds < 0 || seconds > (long)max.TotalSeconds + 1)
        {
            AddError(name, $"must be between {min.TotalSeconds} and {max.TotalSeconds} seconds.");
            return null;
        }

        var span = new Duration(seconds.Value, nanos).ToTimeSpan();
        if (span < min || span > max)
        {
            AddError(name, $"must be between {min.TotalSeconds} and {max.TotalSeconds} seconds.");
            return null;
        }

        return span;
    }

    /// <summary>The raw value of a property present and not null, for readers of nested shapes.</summary>
    public JsonElement? Element(string name) => TryGet(name, false, out var value) ? value : null;

    public IReadOnlyList<string>? StringArray(string name, int maxItems, int maxLength)
    {
        if (!TryGet(name, false, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() > maxItems)
        {
            AddError(name, $"must be an array of at most {maxItems} strings.");
            return null;
        }

        var items = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || !TryDecode(item, out var text) || string.IsNullOrWhiteSpace(text) || text.Length > maxLength)
            {
                AddError(name, $"must hold non-blank strings of at most {maxLength} characters.");
                return null;
            }

            items.Add(text);
        }

        return items.Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>A JSON string as .NET text; false for escapes that are no Unicode text (a lone surrogate) or bytes that are no UTF-8.</summary>
    private static bool TryDecode(JsonElement value, out string text)
    {
        try
        {
            text = value.GetString() ?? "";
            return true;
        }
        catch (InvalidOperationException)
        {
            text = "";
            return false;
        }
    }

    private bool TryGet(string name, bool required, out JsonElement value)
    {
        if (_properties.TryGetValue(name, out value) && value.ValueKind != JsonValueKind.Null)
        {
            return true;
        }

        if (required)
        {
            AddError(name, "is required.");
        }

        return false;
    }

    private (long? Seconds, int Nanos) SecondsAndNanos(string name, JsonElement value, string what)
    {
        var message = $"must be a {what} object {{\"seconds\": integer, \"nanos\": 0-999999999}}.";
        if (value.ValueKind != JsonValueKind.Object)
        {
            AddError(name, message);
            return (null, 0);
        }

        long? seconds = null;
        long nanos = 0;
        foreach (var property in value.EnumerateObject())
        {
            if (property.Name.Equals("seconds", StringComparison.OrdinalIgnoreCase)
                && property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetInt64(out var s))
            {
                seconds = s;
            }
            else if (property.Name.Equals("nanos", StringComparison.OrdinalIgnoreCase)
                && property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetInt64(out var n) && n is >= 0 and <= 999_999_999)
            {
                nanos = n;
            }
            else if (property.Name.Equals("seconds", StringComparison.OrdinalIgnoreCase) || property.Name.Equals("nanos", StringComparison.OrdinalIgnoreCase))
            {
                AddError(name, message);
                return (null, 0);
            }
        }

        if (seconds is null)
        {
            AddError(name, message);
        }

        return (seconds, (int)nanos);
    }
}
