using System.Text.Json.Nodes;

namespace Licensing.Tests.Support;

/// <summary>One answer the API gave, as the recording handler saw it.</summary>
public sealed record RecordedResponse(string Method, string Path, int Status, string? MediaType, string Body)
{
    public override string ToString() => $"{Method} {Path} -> {Status}";
}

/// <summary>
/// The OpenAPI document the app serves, as a contract for its answers: which operation a request reached and whether
/// the answer's status, media type and body are what the document says for it.
/// </summary>
public sealed class OpenApiContract
{
    private const string ProblemSchema = "#/components/schemas/Licensing.Problem";

    private readonly JsonNode _document;
    private readonly JsonSchemaSubset _schemas;

    public OpenApiContract(JsonNode document)
    {
        _document = document;
        _schemas = new JsonSchemaSubset(document);
        Operations = document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Where(m => m.Key != "parameters").Select(m => (Template: path.Key, Method: m.Key.ToUpperInvariant())))
            .ToArray();
        _catchAll = document["paths"]!.AsObject()
            .Where(path => path.Value!.AsObject().Any(m => m.Value?["parameters"]?.AsArray().Any(p => p?["x-catch-all"]?.GetValue<bool>() == true) == true))
            .Select(path => path.Key)
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Templates whose last parameter takes the rest of the path (<c>x-catch-all</c>): none, one or more segments.</summary>
    private readonly HashSet<string> _catchAll;

    /// <summary>The document the app embeds and serves, parsed once.</summary>
    public static OpenApiContract Served { get; } = new(JsonNode.Parse(Licensing.Api.OpenApiDocument.Json.Span)!);

    /// <summary>Every (path template, method) the document describes.</summary>
    public IReadOnlyList<(string Template, string Method)> Operations { get; }

    /// <summary>The path template of the documented operation a request reached, or null: literal segments win over parameters.</summary>
    public string? TemplateOf(string method, string path)
    {
        var segments = path.Trim('/').Split('/');
        return Operations
            .Where(o => string.Equals(o.Method, method, StringComparison.OrdinalIgnoreCase))
            .Select(o => o.Template)
            .Where(t => Matches(t.Trim('/').Split('/'), segments, _catchAll.Contains(t)))
            .OrderBy(t => t.Count(c => c == '{'))
            .FirstOrDefault();
    }

    /// <summary>Every way the answer departs from the document; empty when it conforms.</summary>
    public List<string> Check(RecordedResponse response)
    {
        var template = TemplateOf(response.Method, response.Path);
        if (template is null)
        {
            // No operation: the catch-all's 404 or 405, which must still be problem details.
            return response.Status is 404 or 405
                ? CheckBody(response, new JsonObject { ["application/problem+json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = ProblemSchema } } })
                : [$"{response}: no operation in the document for {response.Method} {response.Path}"];
        }

        var status = response.Status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var described = _document["paths"]![template]![response.Method.ToLowerInvariant()]!["responses"]![status];
        if (described is null)
        {
            return [$"{response}: status {status} is not described for {response.Method} {template}"];
        }

        if (described["$ref"] is { } reference)
        {
            described = _schemas.Resolve(reference.GetValue<string>());
        }

        return CheckBody(response, described["content"]?.AsObject());
    }

    private List<string> CheckBody(RecordedResponse response, JsonObject? content)
    {
        if (content is null || response.Method == "HEAD")
        {
            return content is null && response.Body.Length > 0 ? [$"{response}: a body where the document describes none"] : [];
        }

        if (response.MediaType is null || !content.TryGetPropertyValue(response.MediaType, out var media))
        {
            return [$"{response}: media type '{response.MediaType}' is not one of {string.Join(", ", content.Select(c => c.Key))}"];
        }

        if (!response.MediaType.EndsWith("json", StringComparison.Ordinal))
        {
            return []; // a file (the console's): its media type is all the document says of it
        }

        JsonNode? body;
        try
        {
            body = JsonNode.Parse(response.Body);
        }
        catch (System.Text.Json.JsonException ex)
        {
            return [$"{response}: the body is not JSON ({ex.Message})"];
        }

        return _schemas.Check(media!["schema"]!, body).Select(e => $"{response}: {e}").ToList();
    }

    private static bool Matches(string[] template, string[] segments, bool catchAll) =>
        catchAll
            ? segments.Length >= template.Length - 1 && Matches(template[..^1], segments[..(template.Length - 1)], catchAll: false)
            : template.Length == segments.Length
                && template.Zip(segments).All(p => p.First.StartsWith('{') || string.Equals(p.First, p.Second, StringComparison.Ordinal));
}
