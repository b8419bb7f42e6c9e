namespace Licensing.Audit;

/// <summary>
/// The API's value shapes for JSON written by hand (events' changes and webhook bodies): a number or null, and
/// Timestamps and Durations as <c>{seconds, nanos}</c> objects, lists of objects.
/// </summary>
internal static class ApiJsonWriting
{
    /// <summary>An array with one object per item, its members written by <paramref name="writeMembers"/>.</summary>
    public static void WriteObjects<T>(this Utf8JsonWriter json, IEnumerable<T> items, Action<Utf8JsonWriter, T> writeMembers)
    {
        json.WriteStartArray();
        foreach (var item in items)
        {
            json.WriteStartObject();
            writeMembers(json, item);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    public static void WriteNumberOrNull(this Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } number)
        {
            json.WriteNumber(name, number);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    /// <summary>A Timestamp object, or null.</summary>
    public static void WriteTimestampValue(this Utf8JsonWriter json, DateTimeOffset? at)
    {
        if (Timestamp.From(at) is { } stamp)
        {
            json.WriteSecondsAndNanos(stamp.Seconds, stamp.Nanos);
        }
        else
        {
            json.WriteNullValue();
        }
    }

    public static void WriteDurationValue(this Utf8JsonWriter json, TimeSpan span)
    {
        var duration = Duration.From(span);
        json.WriteSecondsAndNanos(duration.Seconds, duration.Nanos);
    }

    private static void WriteSecondsAndNanos(this Utf8JsonWriter json, long seconds, int nanos)
    {
        json.WriteStartObject();
        json.WriteNumber("seconds", seconds);
        json.WriteNumber("nanos", nanos);
        json.WriteEndObject();
    }
}
