namespace Licensing.Http;

/// <summary>Writes bytes as a JSON array of numbers 0–255, as the reference shows <c>licenseKey</c>.</summary>
public sealed class ByteValuesConverter : JsonConverter<byte[]>
{
    public override byte[] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var bytes = new List<byte>();
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("Expected an array of byte values.");
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            bytes.Add(reader.GetByte());
        }

        return [.. bytes];
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
