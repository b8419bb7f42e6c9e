namespace Licensing.Client;

/// <summary>The JSON settings of the wire: camelCase, protobuf-style timestamps and durations.</summary>
internal static class WireJson
{
    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.Converters.Add(new TimestampConverter());
        options.Converters.Add(new DurationConverter());
        return options;
    }
}

/// <summary>A Timestamp <c>{"seconds","nanos"}</c> as a DateTimeOffset (UTC).</summary>
public sealed class TimestampConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var (seconds, nanos) = SecondsAndNanos.Read(ref reader);
        return DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(nanos / 100);
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        var ticks = value.UtcTicks - DateTimeOffset.FromUnixTimeSeconds(0).UtcTicks;
        var seconds = ticks / TimeSpan.TicksPerSecond;
        var remainder = ticks % TimeSpan.TicksPerSecond;
        if (remainder < 0)
        {
            seconds--;
            remainder += TimeSpan.TicksPerSecond;
        }

        SecondsAndNanos.Write(writer, seconds, (int)(remainder * 100));
    }
}

/// <summary>A Duration <c>{"seconds","nanos"}</c> as a TimeSpan.</summary>
public sealed class DurationConverter : JsonConverter<TimeSpan>
{
    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var (seconds, nanos) = SecondsAndNanos.Read(ref reader);
        return TimeSpan.FromTicks((seconds * TimeSpan.TicksPerSecond) + (nanos / 100));
    }

    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
        SecondsAndNanos.Write(writer, value.Ticks / TimeSpan.TicksPerSecond, (int)(value.Ticks % TimeSpan.TicksPerSecond * 100));
}

/// <summary>Bytes as a JSON array of numbers 0–255 (<c>licenseKey</c>).</summary>
public sealed class ByteValuesConverter : JsonConverter<byte[]>
{
    public override byte[] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("Expected an array of byte values.");
        }

        var bytes = new List<byte>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            bytes.Add(reader.GetByte());
        }

        return bytes.ToArray();
    }

    public override void Write(Utf8JsonWriter writer, byte[] value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var b in value)
        {
            writer.WriteNumberValue(b);
        }

        writer.WriteEndArray();
    }
}

internal static class SecondsAndNanos
{
    public static (long Seconds, int Nanos) Read(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("Expected an object {\"seconds\", \"nanos\"}.");
        }

        long seconds = 0;
        var nanos = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString();
            reader.Read();
            if (string.Equals(name, "seconds", StringComparison.OrdinalIgnoreCase))
            {
                seconds = reader.GetInt64();
            }
            else if (string.Equals(name, "nanos", StringComparison.OrdinalIgnoreCase))
            {
                nanos = reader.GetInt32();
            }
            else
            {
                reader.Skip();
            }
        }

        return (seconds, nanos);
    }

    public static void Write(Utf8JsonWriter writer, long seconds, int nanos)
    {
        writer.WriteStartObject();
        writer.WriteNumber("seconds", seconds);
        writer.WriteNumber("nanos", nanos);
        writer.WriteEndObject();
    }
}
