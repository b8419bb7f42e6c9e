using System.Text.Json;

namespace Licensing.Storage;

internal static class FeatureList
{
    public static IReadOnlyList<string> Parse(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize(json, StorageJson.Default.StringArray) ?? [];

    public static string Format(IReadOnlyList<string> features) =>
        JsonSerializer.Serialize(features.ToArray(), StorageJson.Default.StringArray);
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string[]), TypeInfoPropertyName = "StringArray")]
internal sealed partial class StorageJson : System.Text.Json.Serialization.JsonSerializerContext;
