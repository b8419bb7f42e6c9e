using System.CommandLine;
using System.CommandLine.Parsing;

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
    public static string Describe(ParseResult result)
    {
        var command = result.CommandResult.Command;
        var path = CommandTree.Path(command);
        var strayOptions = result.UnmatchedTokens.Where(IsOption).Select(t => t.Split('=', 2)[0]).ToList();
        var strayWords = result.UnmatchedTokens.Where(t => !IsOption(t)).ToList();
        var known = CommandTree.OptionNames(result.RootCommandResult.Command).ToHashSet(StringComparer.Ordinal);

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
            return $"option '{strayOptions[0]}' does not apply to '{path}'";
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

    private static bool IsOption(string word) => word.Length >= 2 && word[0] == '-';
}
