using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace Licensing.Http;

/// <summary>Reads a JSON request body: content type, size limit, well-formedness, an object at the root.</summary>
public static class RequestBody
{
    public const int MaxBytes = 64 * 1024;

    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = 32 };

    public static async Task<(JsonFields? Fields, IActionResult? Problem)> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        if (!IsAcceptedContentType(request.ContentType))
        {
            return (null, Problems.UnsupportedContentType(request.ContentType));
        }

        if (request.ContentLength > MaxBytes)
        {
            return (null, Problems.TooLarge(MaxBytes));
        }

        var buffer = new byte[MaxBytes + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await request.Body.ReadAsync(buffer.AsMemory(length), ct).ConfigureAwait(false)) > 0)
        {
            length += read;
        }

        if (length > MaxBytes)
        {
            return (null, Problems.TooLarge(MaxBytes));
        }

        if (length == 0)
        {
            return (null, Problems.Malformed("The body is empty; send a JSON object."));
        }

        try
        {
            using var document = JsonDocument.Parse(buffer.AsMemory(0, length), ParseOptions);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, Problems.Malformed("The body must be a JSON object."));
            }

            return (new JsonFields(document.RootElement.Clone()), null);
        }
        catch (JsonException ex)
        {
            return (null, Problems.Malformed($"The body is not valid JSON: {ex.Message}"));
        }
        catch (InvalidOperationException)
        {
            // A property name that is no valid UTF-8 or Unicode text.
            return (null, Problems.Malformed("The body's property names must be valid UTF-8 text."));
        }
    }

    /// <summary>application/json, application/json-patch+json, text/json and application/*+json, with or without a UTF-8 charset.</summary>
    public static bool IsAcceptedContentType(string? contentType)
    {
        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var parsed))
        {
            return false;
        }

        if (parsed.Charset.HasValue && !HeaderUtilities.RemoveQuotes(parsed.Charset).Equals("utf-8", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var mediaType = parsed.MediaType.Value ?? "";
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("text/json", StringComparison.OrdinalIgnoreCase)
            || (mediaType.StartsWith("application/", StringComparison.OrdinalIgnoreCase)
                && mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }
}
