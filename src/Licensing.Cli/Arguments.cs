using System.Globalization;

namespace Licensing.Cli;

/// <summary>A mistake on the command line (exit code 2). Its message names the mistake, never an option's secret value.</summary>
internal sealed class UsageException : Exception
{
    public UsageException()
    {
    }

    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The command line split into words (the command and its parameters) and options. Options may come anywhere;
/// a value follows its option as the next word or after '=' (<c>--seats 5</c>, <c>--seats=5</c>); '--' ends options.
/// </summary>
internal sealed class Arguments
{
    /// <summary>Options that take no value.</summary>
    private static readonly HashSet<string> Flags = new(StringComparer.Ordinal)
    {
        "--json", "--help", "--all", "--suspend", "--resume", "--revoke", "--unrevoke",
    };

    /// <summary>Options that take one value.</summary>
    private static readonly HashSet<string> Valued = new(StringComparer.Ordinal)
    {
        "--url", "--api-key", "--timeout",
        "--mode", "--seats", "--product", "--expires", "--support-expires", "--heartbeat", "--customer", "--feature", "--user-key",
        "--page-size", "--name", "--scope",
        "--machine-id", "--client-id", "--client-name", "--token",
    };

    private readonly List<KeyValuePair<string, string?>> _options = [];

    private Arguments()
    {
    }

    /// <summary>The words that are not options: the command's name, then its parameters.</summary>
    public List<string> Words { get; } = [];

    /// <summary>The names of the options given, in order, each once.</summary>
    public IEnumerable<string> OptionNames => _options.Select(o => o.Key).Distinct(StringComparer.Ordinal);

    public static Arguments Parse(IReadOnlyList<string> args)
    {
        var parsed = new Arguments();
        var optionsEnded = false;
        for (var i = 0; i < args.Count; i++)
        {
            var word = args[i];
            if (optionsEnded || word.Length < 2 || word[0] != '-')
            {
                parsed.Words.Add(word);
                continue;
            }

            if (word == "--")
            {
                optionsEnded = true;
                continue;
            }

            var equals = word.IndexOf('=', StringComparison.Ordinal);
            var name = equals > 0 ? word[..equals] : word;
            name = name == "-h" ? "--help" : name;
            if (Flags.Contains(name))
            {
                if (equals > 0)
                {
                    throw new UsageException($"option '{name}' takes no value");
                }

                parsed._options.Add(new(name, null));
            }
            else if (Valued.Contains(name))
            {
                if (equals > 0)
                {
                    parsed._options.Add(new(name, word[(equals + 1)..]));
                }
                else if (i + 1 < args.Count)
                {
                    parsed._options.Add(new(name, args[++i]));
                }
                else
                {
                    throw new UsageException($"option '{name}' needs a value");
                }
            }
            else
            {
                throw new UsageException($"unknown option '{name}'");
            }
        }

        return parsed;
    }

    public bool Flag(string name) => _options.Any(o => o.Key == name);

    /// <summary>The value of an option given at most once; null when absent.</summary>
    public string? Value(string name)
    {
        var values = Values(name);
        return values.Count switch
        {
            0 => null,
            1 => values[0],
            _ => throw new UsageException($"option '{name}' is given more than once"),
        };
    }

    /// <summary>Every value of a repeatable option (<c>--feature a --feature b</c>).</summary>
    public IReadOnlyList<string> Values(string name) => _options.Where(o => o.Key == name).Select(o => o.Value ?? "").ToList();

    public string Required(string name) =>
        Value(name) is { Length: > 0 } value ? value : throw new UsageException($"option '{name}' is required");

    public int? Int(string name, int min = 1, int max = int.MaxValue)
    {
        var text = Value(name);
        if (text is null)
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new UsageException($"option '{name}' needs a whole number from {min} to {max}, not '{text}'");
        }

        return value;
    }

    /// <summary>A date (<c>2030-01-01</c>, midnight UTC) or an RFC 3339 time (<c>2030-01-01T12:00:00Z</c>).</summary>
    public DateTimeOffset? Date(string name)
    {
        var text = Value(name);
        if (text is null)
        {
            return null;
        }

        if (DateTimeOffset.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var day))
        {
            return day.ToUniversalTime();
        }

        if (text.Length > 10 && text[10] is 'T' or 't' or ' '
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return time.ToUniversalTime();
        }

        throw new UsageException($"option '{name}' needs a date such as 2030-01-01 or 2030-01-01T12:00:00Z, not '{text}'");
    }

    /// <summary>The value of an option that must be one of a few words.</summary>
    public string? OneOf(string name, params string[] allowed)
    {
        var text = Value(name);
        if (text is null || allowed.Contains(text, StringComparer.Ordinal))
        {
            return text;
        }

        throw new UsageException($"option '{name}' must be {string.Join(" or ", allowed)}, not '{text}'");
    }
}
