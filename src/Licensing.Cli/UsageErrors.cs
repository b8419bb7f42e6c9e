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

/// <summary>The one line that names the first mistake of a command line that did not parse.</summary>
internal static class UsageErrors
{
    /// <summary>The mistake in <paramref name="argv"/>, which parsed as <paramref name="result"/> with errors.</summary>
    public static string Describe(ParseResult result, IReadOnlyList<string> argv)
    {
        var command = result.CommandResult.Command;
        var path = CommandTree.Path(command);
        var known = CommandTree.Options(result.RootCommandResult.Command);

        // The parser splits "--json=yes" into the flag and a stray word: name the flag, as for "--json=true".
        var flagWithValue = argv.TakeWhile(a => a != "--").Select(a => a.Split('=', 2))
            .FirstOrDefault(parts => parts.Length == 2 && known[parts[0]].Any(CommandTree.IsFlag));
        if (flagWithValue is not null)
        {
            return $"option '{flagWithValue[0]}' takes no value";
        }

        var (strayOptions, strayWords) = Strays(result.UnmatchedTokens, known);
        if (strayOptions.FirstOrDefault(o => !known.Contains(o)) is { } unknown)
        {
            return $"unknown option '{unknown}'";
        }

        if (CommandTree.IsGroup(command))
        {
            return strayWords.Count > 0 ? $"unknown command '{string.Join(' ', path, strayWords[0]).TrimStart()}'"
                : path.Length == 0 ? "no command given"
                : $"'{path}' needs one of: {string.Join(", ", CommandTree.Shown(command).Select(c => c.Name))}";
        }

        if (strayOptions.Count > 0)
        {
            // The command's own option, typed before the command's name, is parsed before the command is known.
            return command.Options.Any(o => o.Name == strayOptions[0] || o.Aliases.Contains(strayOptions[0]))
                ? $"option '{strayOptions[0]}' goes after '{path}'"
                : $"option '{strayOptions[0]}' does not apply to '{path}'";
        }

        if (strayWords.Count > 0)
        {
            var given = result.CommandResult.Children.OfType<ArgumentResult>().Sum(a => a.Tokens.Count) + strayWords.Count;
            return $"'{path}' takes {command.Arguments.Count} parameter(s), got {given}";
        }

        var error = result.Errors[0];
        return error.SymbolResult switch
        {
            OptionResult option => OfOption(option, error.Message),
            ArgumentResult { Parent: OptionResult option } => OfOption(option, error.Message),
            ArgumentResult => $"'{path}' needs {string.Join(" and ", command.Arguments.Where(a => result.GetResult(a) is not { Tokens.Count: > 0 }).Select(a => a.Name))}",
            _ => error.Message,
        };
    }

    /// <summary>What is wrong with an option: missing, without its value, given twice, or (from its parser) a bad value.</summary>
    private static string OfOption(OptionResult result, string message)
    {
        var name = result.Option.Name;
        return result.IdentifierToken is null ? $"option '{name}' is required"
            : result.Tokens.Count == 0 && result.Option.Arity.MinimumNumberOfValues > 0 ? $"option '{name}' needs a value"
            : result.Tokens.Count > result.Option.Arity.MaximumNumberOfValues ? $"option '{name}' is given more than once"
            : message;
    }

    /// <summary>The options that no command in the line accepted, and the words that are neither those options' values nor parameters.</summary>
    private static (List<string> Options, List<string> Words) Strays(IReadOnlyList<string> unmatched, ILookup<string, Option> known)
    {
        List<string> options = [];
        List<string> words = [];
        var valueDue = false;
        foreach (var token in unmatched)
        {
            if (token.Length >= 2 && token[0] == '-')
            {
                var parts = token.Split('=', 2);
                options.Add(parts[0]);
                valueDue = parts.Length == 1 && known[parts[0]].Any(o => !CommandTree.IsFlag(o));
            }
            else if (valueDue)
            {
                valueDue = false;
            }
            else
            {
                words.Add(token);
            }
        }

        return (options, words);
    }
}
