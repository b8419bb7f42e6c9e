namespace Licensing.Cli;

/// <summary>One row of an import file: its line number and text, and the license it asks for or why it cannot.</summary>
internal sealed record ImportRow(int Line, string Text, NewLicense? License, string? Error);

/// <summary>
/// Reads an import file: CSV with a header line (a <c>.csv</c> file) or JSON lines (anything else), with the columns
/// <c>userKey</c> (required), <c>licensingMode</c> (floating, activation or file), <c>maxClientCount</c>, <c>productId</c>,
/// <c>customerName</c>, <c>expireAt</c> (a date or an RFC 3339 time), <c>features</c> (a JSON array, or in CSV words
/// separated by spaces or semicolons) and <c>policyId</c>; other columns are ignored (so an export reads back in).
/// </summary>
internal static class ImportRows
{
    public static readonly string[] Columns = ["userKey", "licensingMode", "maxClientCount", "productId", "customerName", "expireAt", "features", "policyId"];

    public static IEnumerable<ImportRow> Read(string path)
    {
        var csv = path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase);
        string[]? header = null;
        var number = 0;
        foreach (var text in File.ReadLines(path, Encoding.UTF8))
        {
            number++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            if (csv && header is null)
            {
                header = [.. SplitCsv(text).Select(h => h.Trim())];
                continue;
            }

            yield return ReadRow(number, text, header);
        }
    }

    private static ImportRow ReadRow(int line, string text, string[]? header)
    {
        try
        {
            return ToLicense(line, text, header is not null ? FromCsv(header, SplitCsv(text)) : FromJson(text));
        }
        catch (FormatException ex)
        {
            return new ImportRow(line, text, null, ex.Message);
        }
        catch (JsonException ex)
        {
            return new ImportRow(line, text, null, "features: not a JSON array of strings: " + ex.Message);
        }
    }

    private static ImportRow ToLicense(int line, string text, Dictionary<string, string?> fields)
    {
        var errors = new List<string>();
        var license = new NewLicense { UserKey = Value(fields, "userKey") };
        if (license.UserKey is null)
        {
            errors.Add("userKey: required");
        }

        license.PolicyId = Value(fields, "policyId");
        license.ProductId = Value(fields, "productId");
        license.CustomerName = Value(fields, "customerName");
        switch (Value(fields, "licensingMode"))
        {
            case null: break;
            case "floating" or "2": license.LicensingMode = LicensingMode.Floating; break;
            case "activation" or "1": license.LicensingMode = LicensingMode.Activation; break;
            case "file" or "0": license.LicensingMode = LicensingMode.File; break;
            case var other: errors.Add($"licensingMode: '{other}' is not floating, activation or file"); break;
        }

        if (Value(fields, "maxClientCount") is { } seats)
        {
            if (int.TryParse(seats, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            {
                license.MaxClientCount = count;
            }
            else
            {
                errors.Add($"maxClientCount: '{seats}' is not a whole number");
            }
        }

        if (Value(fields, "expireAt") is { } expires)
        {
            if (DateTimeOffset.TryParse(expires, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                license.ExpireAt = at.ToUniversalTime();
            }
            else
            {
                errors.Add($"expireAt: '{expires}' is not a date such as 2030-01-01 or 2030-01-01T12:00:00Z");
            }
        }

        if (Value(fields, "features") is { } features)
        {
            license.Features = features.StartsWith('[')
                ? JsonSerializer.Deserialize<List<string>>(features) ?? []
                : [.. features.Split([' ', ';'], StringSplitOptions.RemoveEmptyEntries)];
        }

        return errors.Count == 0 ? new ImportRow(line, text, license, null) : new ImportRow(line, text, null, string.Join("; ", errors));
    }

    private static string? Value(Dictionary<string, string?> fields, string name) =>
        fields.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    private static Dictionary<string, string?> FromCsv(string[] header, List<string> cells)
    {
        if (cells.Count != header.Length)
        {
            throw new FormatException($"{cells.Count} cells, the header has {header.Length}");
        }

        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 0; i < header.Length; i++)
        {
            fields[header[i]] = cells[i];
        }

        return fields;
    }

    private static Dictionary<string, string?> FromJson(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("not a JSON object");
            }

            return document.RootElement.EnumerateObject().ToDictionary(
                p => p.Name,
                p => p.Value.ValueKind switch
                {
                    JsonValueKind.String => p.Value.GetString(),
                    JsonValueKind.Null => null,
                    _ => p.Value.GetRawText(),
                },
                StringComparer.Ordinal);
        }
        catch (JsonException ex)
        {
            throw new FormatException("not JSON: " + ex.Message, ex);
        }
    }

    /// <summary>One CSV record on one line (RFC 4180 quoting: "a, b" and "say ""hi""").</summary>
    private static List<string> SplitCsv(string line)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"' && cell.Length == 0)
            {
                quoted = true;
            }
            else if (c == ',')
            {
                cells.Add(cell.ToString());
                cell.Clear();
            }
            else
            {
                cell.Append(c);
            }
        }

        if (quoted)
        {
            throw new FormatException("a quoted cell does not end on its line");
        }

        cells.Add(cell.ToString());
        return cells;
    }
}
