namespace Licensing.Cli;

/// <summary>
/// The custom parsers of the CLI's typed options: each turns an option's text into its value, or records the one-line
/// message the CLI prints for a bad value (never echoing more than the value typed).
/// </summary>
internal static class ValueParsers
{
    /// <summary>A flag: present or not. <c>--json=true</c> is a mistake, as it always was.</summary>
    public static bool Flag(ArgumentResult value)
    {
        if (value.Tokens.Count > 0)
        {
            value.AddError($"option '{OptionName(value)}' takes no value");
        }

        return true;
    }

    /// <summary>Text that must not be empty (an option that is required).</summary>
    public static string NonEmpty(ArgumentResult value)
    {
        var text = Text(value);
        if (text.Length == 0)
        {
            value.AddError($"option '{OptionName(value)}' is required");
        }

        return text;
    }

    public static int Whole(ArgumentResult value, int min = 1, int max = int.MaxValue)
    {
        var text = Text(value);
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max)
        {
            return number;
        }

        value.AddError($"option '{OptionName(value)}' needs a whole number from {min} to {max}, not '{text}'");
        return 0;
    }

    /// <summary>A date (<c>2030-01-01</c>, midnight UTC) or an RFC 3339 time (<c>2030-01-01T12:00:00Z</c>).</summary>
    public static DateTimeOffset? Date(ArgumentResult value)
    {
        var text = Text(value);
        if (DateTimeOffset.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var day))
        {
            return day.ToUniversalTime();
        }

        if (text.Length > 10 && text[10] is 'T' or 't' or ' '
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return time.ToUniversalTime();
        }

        value.AddError($"option '{OptionName(value)}' needs a date such as 2030-01-01 or 2030-01-01T12:00:00Z, not '{text}'");
        return null;
    }

    /// <summary>One of a few words, as typed.</summary>
    public static string OneOf(ArgumentResult value, params string[] words)
    {
        var text = Text(value);
        return words.Contains(text, StringComparer.Ordinal) ? text : Reject<string>(value, text, words) ?? "";
    }

    /// <summary>Records that <paramref name="text"/> is none of <paramref name="words"/>; the value is then the type's default.</summary>
    public static T? Reject<T>(ArgumentResult value, string text, params string[] words)
    {
        value.AddError($"option '{OptionName(value)}' must be {string.Join(", ", words[..^1])} or {words[^1]}, not '{text}'");
        return default;
    }

    /// <summary>The option's one value as typed ("" when it has none).</summary>
    public static string Text(ArgumentResult value) => value.Tokens.Count == 0 ? "" : value.Tokens[0].Value;

    private static string OptionName(ArgumentResult value) => value.Parent is OptionResult option ? option.Option.Name : value.Argument.Name;
}
