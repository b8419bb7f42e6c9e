namespace Licensing.Cli;

/// <summary>
/// The help, generated from the command tree. For the whole CLI or a group (<c>licensing --help</c>,
/// <c>licensing help licenses</c>): every command beneath with its parameters and options, the options of every
/// command and the exit codes. For one command (<c>licensing licenses create --help</c>): the library's page of its
/// parameters and options with what each means.
/// </summary>
internal sealed class CommandHelp : SynchronousCommandLineAction
{
    private const int Width = 100;

    /// <summary>The heading of the commands directly under the root.</summary>
    private const string ClientCallsHeading = "Client calls, to try a license by hand (client key)";

    private const string Footer = """
        Run 'licensing <command> --help' for what each of a command's options means.

        Exit codes
          0  success
          1  the server said no (not granted, not activated, not active): its reason and message are printed
          2  usage error: an unknown command or option, a missing or invalid value
          3  the call failed: server unreachable, wrong URL or key, an error answer, a timeout
        """;

    private readonly HelpAction _commandPage = new() { MaxWidth = Width };

    private CommandHelp()
    {
    }

    /// <summary>Help is shown even when the rest of the line has mistakes, and nothing else runs.</summary>
    public override bool ClearsParseErrors => true;

    public override bool Terminating => true;

    /// <summary>Puts this help behind <c>-h</c>/<c>--help</c> and the word <c>help</c>; the root takes no <c>--version</c>.</summary>
    public static void AddTo(RootCommand root)
    {
        root.Options.Single(o => o is HelpOption).Action = new CommandHelp();
        root.Options.Remove(root.Options.Single(o => o is VersionOption));
        root.Subcommands.Add(HelpCommand(root));
    }

    public override int Invoke(ParseResult parseResult)
    {
        var command = parseResult.CommandResult.Command;
        if (!CommandTree.IsGroup(command))
        {
            return _commandPage.Invoke(parseResult);
        }

        var root = parseResult.RootCommandResult.Command;
        var text = new StringBuilder();
        text.AppendLine(root.Description).AppendLine();
        var typed = string.Join(' ', new[] { ToolName(root), CommandTree.Path(command) }.Where(w => w.Length > 0));
        text.AppendLine($"Usage: {typed} <command> [parameters] [options]");
        foreach (var group in CommandTree.Leaves(command).GroupBy(c => c.Parents.OfType<Command>().Single()))
        {
            text.AppendLine().AppendLine(group.Key == root ? ClientCallsHeading : group.Key.Description);
            foreach (var leaf in group)
            {
                Wrap(text, Synopsis(leaf), "  ");
                Wrap(text, (leaf.Description ?? "").Split(' '), "      ");
            }
        }

        text.AppendLine().AppendLine("Options of every command (anywhere on the line)");
        var rows = root.Options.Select(o => (Label: Label(o), Text: o.HasDefaultValue && !CommandTree.IsFlag(o) ? $"{o.Description} (default {o.GetDefaultValue()})" : o.Description)).ToList();
        var width = rows.Max(r => r.Label.Length) + 2;
        foreach (var (label, description) in rows)
        {
            text.AppendLine("  " + label.PadRight(width) + description);
        }

        text.AppendLine().Append(Footer);
        parseResult.InvocationConfiguration.Output.WriteLine(text.ToString());
        return ExitCodes.Success;
    }

    /// <summary><c>licensing help [COMMAND...]</c>: the help of the root or of the command named.</summary>
    private static Command HelpCommand(RootCommand root)
    {
        var topic = new Argument<string[]>("COMMAND") { Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("help", "Show the help of every command, or of the one named.") { Hidden = true };
        command.Arguments.Add(topic);
        command.SetAction(result =>
        {
            var words = result.GetValue(topic) ?? [];
            var page = root.Parse([.. words, "--help"], result.Configuration);
            return page.UnmatchedTokens.Count > 0
                ? throw new UsageException($"unknown command '{string.Join(' ', words)}'")
                : page.Invoke(result.InvocationConfiguration);
        });
        return command;
    }

    /// <summary>A command as typed: its path, its parameters, then its options (required ones bare, optional ones in brackets).</summary>
    private static IEnumerable<string> Synopsis(Command command) =>
        new[] { CommandTree.Path(command) }
            .Concat(command.Arguments.Select(a => $"<{a.HelpName ?? a.Name}>"))
            .Concat(command.Options.Select(o => o.Required ? Label(o) : $"[{Label(o)}]" + (o.Arity.MaximumNumberOfValues > 1 ? "..." : "")));

    /// <summary>An option's names (<c>-h, --help</c>) and, unless it is a flag, its value (<c>--seats &lt;N&gt;</c>).</summary>
    private static string Label(Option option)
    {
        var names = string.Join(", ", option.Aliases.Where(a => a.StartsWith('-')).Order(StringComparer.Ordinal).Append(option.Name));
        return CommandTree.IsFlag(option) ? names : $"{names} <{option.HelpName ?? option.Name.TrimStart('-')}>";
    }

    /// <summary>The root command's name as the user types it (<c>licensing</c>).</summary>
    private static string ToolName(Command root) => root is RootCommand { HelpName: { Length: > 0 } name } ? name : root.Name;

    /// <summary>Appends <paramref name="chunks"/> separated by spaces, wrapped between chunks at <see cref="Width"/> columns.</summary>
    private static void Wrap(StringBuilder text, IEnumerable<string> chunks, string indent)
    {
        const string Continuation = "      ";
        var line = new StringBuilder(indent);
        var empty = true;
        foreach (var chunk in chunks)
        {
            if (!empty && line.Length + 1 + chunk.Length > Width)
            {
                text.AppendLine(line.ToString());
                line.Clear().Append(Continuation);
                empty = true;
            }

            line.Append(empty ? "" : " ").Append(chunk);
            empty = false;
        }

        text.AppendLine(line.ToString());
    }
}
