using System.Text;

namespace Licensing.Cli;

/// <summary>The usage text: every command (<c>licensing --help</c>) or some (<c>licensing licenses --help</c>).</summary>
internal static class Help
{
    private const int Width = 100;

    private const string Header = """
        licensing: manage licenses and API keys on a licensing server, and try its client calls by hand.

        Usage: licensing <command> [parameters] [options]
        """;

    private const string Footer = """
        Options of every command (anywhere on the line)
          --url URL          the server, e.g. https://func-licensing-abc.azurewebsites.net (or LICENSING_URL)
          --api-key KEY      the API key to call with (or LICENSING_API_KEY): admin commands need an admin key
          --timeout SECONDS  how long one call may take (default 30)
          --json             print the server's answer as JSON (camelCase), for scripts
          -h, --help         this text; after a command, that command's usage

        DATE is a day (2030-01-01, midnight UTC) or an RFC 3339 time (2030-01-01T12:00:00Z).

        Exit codes
          0  success
          1  the server said no (not granted, not activated, not active): its reason and message are printed
          2  usage error: an unknown command or option, a missing or invalid value
          3  the call failed: server unreachable, wrong URL or key, an error answer, a timeout
        """;

    public static void Print(TextWriter output, IReadOnlyList<Command> commands, IReadOnlyList<string> topic)
    {
        var prefix = string.Join(' ', topic);
        var shown = commands.Where(c => prefix.Length == 0 || c.Name == prefix || c.Name.StartsWith(prefix + " ", StringComparison.Ordinal)).ToList();
        if (shown.Count == 0)
        {
            throw new UsageException($"unknown command '{prefix}'");
        }

        var text = new StringBuilder();
        text.AppendLine(Header).AppendLine();
        foreach (var group in shown.GroupBy(c => c.Group))
        {
            text.AppendLine(group.Key);
            foreach (var command in group)
            {
                Wrap(text, command.Usage, "  ", "      ");
                Wrap(text, command.Summary, "      ", "      ");
            }

            text.AppendLine();
        }

        text.AppendLine(Footer);
        output.Write(text.ToString());
    }

    /// <summary>Appends <paramref name="line"/> wrapped at word boundaries to <see cref="Width"/> columns.</summary>
    private static void Wrap(StringBuilder text, string line, string indent, string continuation)
    {
        var current = new StringBuilder(indent);
        var empty = true;
        foreach (var word in Chunks(line))
        {
            if (!empty && current.Length + 1 + word.Length > Width)
            {
                text.AppendLine(current.ToString());
                current.Clear().Append(continuation);
                empty = true;
            }

            current.Append(empty ? "" : " ").Append(word);
            empty = false;
        }

        text.AppendLine(current.ToString());
    }

    /// <summary>The words of a line, keeping "[--option VALUE]" and "--option VALUE" together on one line.</summary>
    private static List<string> Chunks(string line)
    {
        var chunks = new List<string>();
        var open = false;
        foreach (var word in line.Split(' '))
        {
            var joins = chunks.Count > 0 && (open || (chunks[^1].StartsWith("--", StringComparison.Ordinal) && word[0] is not ('-' or '[')));
            if (joins)
            {
                chunks[^1] += " " + word;
            }
            else
            {
                chunks.Add(word);
            }

            open = chunks[^1].Count(c => c == '[') > chunks[^1].Count(c => c == ']');
        }

        return chunks;
    }
}
