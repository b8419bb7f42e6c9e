namespace Licensing.Backup;

/// <summary>
/// One table entity as one JSON line: its keys and every property with its Edm type, so a restore writes back exactly
/// the types it read (Int64 and Double as text, so no value is rounded through a JSON number). ETag and Timestamp are
/// the service's, not data: they are left out.
/// </summary>
public static class EntityLines
{
    private const string PartitionKey = "PartitionKey";
    private const string RowKey = "RowKey";
    private const string Properties = "properties";
    private const string Type = "type";
    private const string Value = "value";

    private static readonly HashSet<string> ServiceProperties = new(StringComparer.Ordinal) { "PartitionKey", "RowKey", "Timestamp", "odata.etag" };

    public static void Write(Utf8JsonWriter json, TableEntity entity)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(entity);
        json.WriteStartObject();
        json.WriteString(PartitionKey, entity.PartitionKey);
        json.WriteString(RowKey, entity.RowKey);
        json.WriteStartObject(Properties);
        foreach (var (name, value) in entity.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (value is null || ServiceProperties.Contains(name))
            {
                continue;
            }

            json.WriteStartObject(name);
            WriteValue(json, name, value);
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    public static TableEntity Read(ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line);
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        var entity = new TableEntity(root.GetProperty(PartitionKey).GetString(), root.GetProperty(RowKey).GetString());
        foreach (var property in root.GetProperty(Properties).EnumerateObject())
        {
            entity[property.Name] = ReadValue(property.Value.GetProperty(Type).GetString(), property.Value.GetProperty(Value));
        }

        return entity;
    }

    private static void WriteValue(Utf8JsonWriter json, string name, object value)
    {
        switch (value)
        {
            case string text:
                json.WriteString(Type, "String");
                json.WriteString(Value, text);
                break;
            case bool flag:
                json.WriteString(Type, "Boolean");
                json.WriteBoolean(Value, flag);
                break;
            case int number:
                json.WriteString(Type, "Int32");
                json.WriteNumber(Value, number);
                break;
            case long number:
                json.WriteString(Type, "Int64");
                json.WriteString(Value, number.ToString(CultureInfo.InvariantCulture));
                break;
            case double number:
                json.WriteString(Type, "Double");
                json.WriteString(Value, number.ToString("R", CultureInfo.InvariantCulture));
                break;
            case DateTimeOffset time:
                json.WriteString(Type, "DateTime");
                json.WriteString(Value, time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
                break;
            case DateTime time:
                json.WriteString(Type, "DateTime");
                json.WriteString(Value, new DateTimeOffset(time.ToUniversalTime(), TimeSpan.Zero).ToString("O", CultureInfo.InvariantCulture));
                break;
            case Guid id:
                json.WriteString(Type, "Guid");
                json.WriteString(Value, id.ToString("D"));
                break;
            case byte[] bytes:
                json.WriteString(Type, "Binary");
                json.WriteBase64String(Value, bytes);
                break;
            case BinaryData data:
                json.WriteString(Type, "Binary");
                json.WriteBase64String(Value, data.ToMemory().Span);
                break;
            default:
                throw new NotSupportedException($"Property {name} has a type a table cannot hold: {value.GetType().Name}.");
        }
    }

    private static object ReadValue(string? type, JsonElement value) => type switch
    {
        "String" => value.GetString()!,
        "Boolean" => value.GetBoolean(),
        "Int32" => value.GetInt32(),
        "Int64" => long.Parse(value.GetString()!, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture),
        "Double" => double.Parse(value.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture),
        "DateTime" => DateTimeOffset.Parse(value.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
        "Guid" => Guid.ParseExact(value.GetString()!, "D"),
        "Binary" => value.GetBytesFromBase64(),
        _ => throw new FormatException($"Unknown property type '{type}'."),
    };
}
