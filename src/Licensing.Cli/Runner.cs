using System.Text.RegularExpressions;
using Licensing.Client;

namespace Licensing.Cli;

internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The server said no: not granted, not activated, not active.</summary>
    public const int Denied = 1;

    /// <summary>A mistake on the command line.</summary>
    public const int Usage = 2;

    /// <summary>The call failed: unreachable, refused key, an error answer, garbage, a timeout.</summary>
    public const int Failed = 3;
}

/// <summary>
/// One command: its group in the help, its name (one or two words), its parameters, its options (as the help shows
/// them; the option names in this text are the ones the command accepts), what it does, and its handler.
/// </summary>
internal sealed partial record Command(string Group, string Name, string[] Parameters, string Options, string Summary, Func<Session, Task<int>> Run)
{
    /// <summary>The options every command takes.</summary>
    public static readonly string[] GlobalOptions = ["--url", "--api-key", "--timeout", "--json", "--help"];

    public string Usage => string.Join(' ', new[] { "licensing", Name }.Concat(Parameters).Append(Options).Where(p => p.Length > 0));

    public bool Accepts(string option) => GlobalOptions.Contains(option) || OptionName().Matches(Options).Any(m => m.Value == option);

    [GeneratedRegex("--[a-z-]+")]
    private static partial Regex OptionName();
}

/// <summary>Finds the command a command line names, runs it, and turns every failure into one line on stderr and an exit code.</summary>
internal static class Runner
{
    public static async Task<int> RunAsync(IReadOnlyList<Command> commands, IReadOnlyList<string> argv, TextWriter stdout, TextWriter stderr)
    {
        var output = new Output(stdout, stderr, json: false);
        try
        {
            var args = Arguments.Parse(argv);
            output = new Output(stdout, stderr, args.Flag("--json"))
            {
                Secrets = [.. args.Values("--api-key"), Environment.GetEnvironmentVariable("LICENSING_API_KEY") ?? ""],
            };
            var words = args.Words;
            if (words is ["help", .. var topic])
            {
                Help.Print(stdout, commands, topic);
                return ExitCodes.Success;
            }

            if (args.Flag("--help"))
            {
                Help.Print(stdout, commands, words);
                return ExitCodes.Success;
            }

            var command = Find(commands, words);
            var parameters = words.Skip(command.Name.Split(' ').Length).ToList();
            if (parameters.Count < command.Parameters.Length)
            {
                throw new UsageException($"'{command.Name}' needs {string.Join(" and ", command.Parameters.Skip(parameters.Count))}");
            }

            if (parameters.Count > command.Parameters.Length)
            {
                throw new UsageException($"'{command.Name}' takes {command.Parameters.Length} parameter(s), got {parameters.Count}");
            }

            if (args.OptionNames.FirstOrDefault(o => !command.Accepts(o)) is { } stray)
            {
                throw new UsageException($"option '{stray}' does not apply to '{command.Name}'");
            }

            using var session = new Session(args, parameters, output);
            return await command.Run(session);
        }
        catch (UsageException ex)
        {
            output.Fail(ex.Message + "; run 'licensing --help'");
            return ExitCodes.Usage;
        }
        catch (LicensingException ex) when (ex.Kind == LicensingErrorKind.Denied)
        {
            output.Fail($"denied ({ex.Reason}): {ex.Message}");
            return ExitCodes.Denied;
        }
        catch (LicensingException ex)
        {
            output.Fail(Describe(ex));
            return ExitCodes.Failed;
        }
#pragma warning disable CA1031 // The last resort: a failure is one line on stderr, never a stack trace.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            output.Fail($"unexpected error ({ex.GetType().Name}): {ex.Message}");
            return ExitCodes.Failed;
        }
    }

    /// <summary>The SDK's message (it never carries the API key), with the per-field errors of a 400.</summary>
    private static string Describe(LicensingException ex) =>
        ex.Errors.Count == 0
            ? ex.Message
            : ex.Message + " (" + string.Join("; ", ex.Errors.Select(e => e.Key + ": " + string.Join(" ", e.Value))) + ")";

    private static Command Find(IReadOnlyList<Command> commands, List<string> words)
    {
        if (words.Count == 0)
        {
            throw new UsageException("no command given");
        }

        var group = commands.Where(c => c.Name.StartsWith(words[0] + " ", StringComparison.Ordinal)).ToList();
        if (group.Count == 0)
        {
            return commands.FirstOrDefault(c => c.Name == words[0]) ?? throw new UsageException($"unknown command '{words[0]}'");
        }

        if (words.Count == 1)
        {
            throw new UsageException($"'{words[0]}' needs one of: {string.Join(", ", group.Select(c => c.Name.Split(' ')[1]))}");
        }

        return group.FirstOrDefault(c => c.Name == words[0] + " " + words[1])
            ?? throw new UsageException($"unknown command '{words[0]} {words[1]}'");
    }
}
