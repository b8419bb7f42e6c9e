namespace Licensing.Cli;

/// <summary>What the CLI prints: the SDK's answer as JSON (<c>--json</c>), or readable tables and "key: value" lines.</summary>
internal sealed class Output(TextWriter stdout, TextWriter stderr, bool json)
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private static readonly JsonSerializerOptions ServerJsonOptions = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>True with <c>--json</c>: print answers as JSON for scripts.</summary>
    public bool Json { get; } = json;

    public TextWriter Out { get; } = stdout;

    public TextWriter Error { get; } = stderr;

    /// <summary>A result of the CLI's own (a delete, which the server answers with no body) as indented camelCase JSON.</summary>
    public void Document(object value) => Out.WriteLine(JsonSerializer.Serialize(value, value.GetType(), JsonOptions));

    /// <summary>
    /// The server's JSON as it sent it, indented: one answer as it is; the pages of a list read with <c>--all</c> as one
    /// page holding every item, with the last page's <c>continuationToken</c>.
    /// </summary>
    public void ServerJson(IReadOnlyList<string> bodies)
    {
        var documents = bodies.Select(b => JsonNode.Parse(b)!).ToList();
        var answer = documents.Count == 1
            ? documents[0]
            : new JsonObject
            {
                ["items"] = new JsonArray([.. documents.SelectMany(d => d["items"]!.AsArray()).Select(i => i?.DeepClone())]),
                ["continuationToken"] = documents[^1]["continuationToken"]?.DeepClone(),
            };
        Out.WriteLine(answer.ToJsonString(ServerJsonOptions));
    }

    /// <summary>One item as aligned "key: value" lines; a null value prints as "-".</summary>
    public void Fields(IEnumerable<(string Key, object? Value)> fields)
    {
        var list = fields.ToList();
        var width = list.Count == 0 ? 0 : list.Max(f => f.Key.Length) + 1;
        foreach (var (key, value) in list)
        {
            Out.WriteLine((key + ":").PadRight(width) + " " + Format(value));
        }
    }

    /// <summary>Rows under upper-case headers, each column as wide as its widest cell.</summary>
    public void Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<object?>> rows)
    {
        var cells = rows.Select(r => r.Select(Format).ToList()).ToList();
        var widths = headers.Select((h, i) => Math.Max(h.Length, cells.Count == 0 ? 0 : cells.Max(r => r[i].Length))).ToList();
        Out.WriteLine(Row(headers, widths));
        foreach (var row in cells)
        {
            Out.WriteLine(Row(row, widths));
        }
    }

    /// <summary>Values never to print (the API key), even if a message happened to quote one.</summary>
    public IReadOnlyList<string> Secrets { get; init; } = [];

    /// <summary>One line on stderr: the CLI's only way of reporting a failure.</summary>
    public void Fail(string message)
    {
        foreach (var secret in Secrets.Where(s => s.Length >= 6))
        {
            message = message.Replace(secret, "***", StringComparison.Ordinal);
        }

        Error.WriteLine("licensing: " + OneLine(message));
    }

    /// <summary>How a value reads in a table: dates in UTC ISO 8601, durations in seconds, lists comma-separated.</summary>
    public static string Format(object? value) => value switch
    {
        null => "-",
        string s => s.Length == 0 ? "-" : s,
        bool b => b ? "true" : "false",
        DateTimeOffset d => d.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        TimeSpan t => t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s",
        IEnumerable<string> list => list.Any() ? string.Join(",", list) : "-",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "-",
    };

    public static string OneLine(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text.Trim())
        {
            builder.Append(char.IsControl(c) ? ' ' : c);
        }

        return builder.ToString();
    }

    private static string Row(IReadOnlyList<string> cells, List<int> widths) =>
        string.Join("  ", cells.Select((c, i) => i == cells.Count - 1 ? c : c.PadRight(widths[i]))).TrimEnd();
}
