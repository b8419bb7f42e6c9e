namespace Licensing.Http;

/// <summary>
/// Reads the <c>from</c> and <c>to</c> of a usage GET: RFC 3339 times (<c>2026-11-01T00:00:00Z</c>) or Unix seconds;
/// by default the last 30 days up to now, at most <see cref="UsageSpan.Longest"/>.
/// </summary>
public static class UsageQuery
{
    public static IActionResult? TryRead(HttpRequest request, DateTimeOffset now, out UsageSpan span)
    {
        var errors = new Dictionary<string, string[]>();
        var to = Read(request, "to", errors) ?? now;
        var from = Read(request, "from", errors) ?? to - UsageSpan.Default;
        span = new UsageSpan(from, to);
        if (errors.Count == 0 && from > to)
        {
            errors["from"] = ["must not be after 'to'."];
        }
        else if (errors.Count == 0 && to - from > UsageSpan.Longest)
        {
            errors["from"] = [$"must be at most {UsageSpan.Longest.TotalDays:0} days before 'to'."];
        }

        return errors.Count == 0 ? null : Problems.Validation(errors);
    }

    private static DateTimeOffset? Read(HttpRequest request, string name, Dictionary<string, string[]> errors)
    {
        var text = request.Query[name].ToString();
        if (text.Length == 0)
        {
            return null;
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds <= 253_402_300_799)
        {
            return DateTimeOffset.FromUnixTimeSeconds(seconds);
        }

        if (text.Length <= 40 && (text.EndsWith('Z') || text.Contains('+', StringComparison.Ordinal) || text.LastIndexOf('-') > 9)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
        {
            return at;
        }

        errors[name] = ["must be an RFC 3339 time with its offset (2026-11-01T00:00:00Z) or Unix seconds."];
        return null;
    }
}
