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

        // Pooled: one request body at a time per buffer, returned once the fields are cloned out of it.
        var buffer = ArrayPool<byte>.Shared.Rent(MaxBytes + 1);
        try
        {
            var length = 0;
            int read;
            while (length <= MaxBytes && (read = await request.Body.ReadAsync(buffer.AsMemory(length, MaxBytes + 1 - length), ct).ConfigureAwait(false)) > 0)
            {
                length += read;
            }

            if (length > MaxBytes)
            {
                return (null, Problems.TooLarge(MaxBytes));
            }

            return length == 0
                ? (null, Problems.Malformed("The body is empty; send a JSON object."))
                : Parse(buffer.AsMemory(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static (JsonFields? Fields, IActionResult? Problem) Parse(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body, ParseOptions);
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
