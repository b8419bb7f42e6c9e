namespace Licensing.Cli;

/// <summary>
/// One row of an import file: its line number and text, and the license it asks for or why it cannot; a license that
/// was suspended or revoked where it came from is created, then changed to that (<see cref="State"/>).
/// </summary>
internal sealed record ImportRow(int Line, string Text, NewLicense? License, string? Error, LicenseChanges? State = null);

/// <summary>
/// Reads an import file: CSV with a header line (a <c>.csv</c> file) or JSON lines (anything else), with the columns
/// <c>userKey</c> (required), <c>licensingMode</c> (floating, activation or file), <c>maxClientCount</c>, <c>productId</c>,
/// <c>customerName</c>, <c>expireAt</c> (a date or an RFC 3339 time), <c>features</c> (a JSON array, or in CSV words
/// separated by spaces or semicolons) and <c>policyId</c>, and what <c>licenses export</c> writes besides:
/// <c>overageSeats</c>, <c>maxTransfers</c>, <c>supportExpireAt</c>, <c>heartbeatSeconds</c>, <c>graceSeconds</c>,
/// <c>maxBorrowSeconds</c>, <c>entitlements</c> (a JSON array of <c>{code, value?, expireAt?}</c>), <c>portal</c>,
/// <c>suspended</c> and <c>revoked</c> (true or false); other columns are ignored (the ids and dates the server gives).
/// </summary>
internal static class ImportRows
{
    public static readonly string[] Columns =
    [
        "userKey", "licensingMode", "maxClientCount", "productId", "customerName", "expireAt", "features", "policyId", "overageSeats", "maxTransfers",
        "supportExpireAt", "heartbeatSeconds", "graceSeconds", "maxBorrowSeconds", "entitlements", "portal", "suspended", "revoked",
    ];

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

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
            return new ImportRow(line, text, null, "features or entitlements: not the JSON array it should be: " + ex.Message);
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

        license.MaxClientCount = Whole(fields, "maxClientCount", errors);
        license.OverageSeats = Whole(fields, "overageSeats", errors);
        license.MaxTransfers = Whole(fields, "maxTransfers", errors);
        license.ExpireAt = Date(fields, "expireAt", errors);
        license.SupportExpireAt = Date(fields, "supportExpireAt", errors);
        license.HeartbeatInterval = Seconds(fields, "heartbeatSeconds", errors);
        license.GracePeriod = Seconds(fields, "graceSeconds", errors);
        license.MaxBorrowDuration = Seconds(fields, "maxBorrowSeconds", errors);
        license.Portal = Flag(fields, "portal", errors);
        if (Value(fields, "entitlements") is { } entitlements)
        {
            license.Entitlements = JsonSerializer.Deserialize<List<LicenseEntitlement>>(entitlements, Web) ?? [];
        }

        if (Value(fields, "features") is { } features)
        {
            license.Features = features.StartsWith('[')
                ? JsonSerializer.Deserialize<List<string>>(features) ?? []
                : [.. features.Split([' ', ';'], StringSplitOptions.RemoveEmptyEntries)];
        }

        var (suspended, revoked) = (Flag(fields, "suspended", errors), Flag(fields, "revoked", errors));
        var state = suspended is true || revoked is true ? new LicenseChanges { Suspended = suspended is true ? true : null, Revoked = revoked is true ? true : null } : null;
        return errors.Count == 0 ? new ImportRow(line, text, license, null, state) : new ImportRow(line, text, null, string.Join("; ", errors));
    }

    private static int? Whole(Dictionary<string, string?> fields, string name, List<string> errors)
    {
        if (Value(fields, name) is not { } text)
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        errors.Add($"{name}: '{text}' is not a whole number");
        return null;
    }

    private static DateTimeOffset? Date(Dictionary<string, string?> fields, string name, List<string> errors)
    {
        if (Value(fields, name) is not { } text)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            return at.ToUniversalTime();
        }

        errors.Add($"{name}: '{text}' is not a date such as 2030-01-01 or 2030-01-01T12:00:00Z");
        return null;
    }

    private static TimeSpan? Seconds(Dictionary<string, string?> fields, string name, List<string> errors)
    {
        if (Value(fields, name) is not { } text)
        {
            return null;
        }

        if (double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) && seconds <= TimeSpan.MaxValue.TotalSeconds)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        errors.Add($"{name}: '{text}' is not a number of seconds");
        return null;
    }

    private static bool? Flag(Dictionary<string, string?> fields, string name, List<string> errors)
    {
        switch (Value(fields, name)?.ToLowerInvariant())
        {
            case null: return null;
            case "true": return true;
            case "false": return false;
            case var other:
                errors.Add($"{name}: '{other}' is not true or false");
                return null;
        }
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
