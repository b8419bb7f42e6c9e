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

/// <summary>Parses a command line against the command tree, runs the command it names, and turns every failure into one line on stderr and an exit code.</summary>
internal static class Runner
{
    /// <summary>A word starting with '@' is a value like any other, never a file of arguments to read.</summary>
    private static readonly ParserConfiguration Parsing = new() { ResponseFileTokenReplacer = null };

    /// <summary>Makes <paramref name="command"/> run <paramref name="handler"/> with a session of its parsed line.</summary>
    public static Command Runs(this Command command, Func<Session, Task<int>> handler)
    {
        command.SetAction(async (result, _) =>
        {
            using var session = new Session(result, OutputFor(result, result.InvocationConfiguration.Output, result.InvocationConfiguration.Error));
            return await handler(session);
        });
        return command;
    }

    /// <summary>Adds the options of every command and the help to <paramref name="root"/>, then runs <paramref name="argv"/>.</summary>
    public static async Task<int> RunAsync(RootCommand root, IReadOnlyList<string> argv, TextWriter stdout, TextWriter stderr)
    {
        foreach (var option in GlobalOptions.All)
        {
            root.Options.Add(option);
        }

        CommandHelp.AddTo(root);
        var result = root.Parse(argv, Parsing);
        var output = OutputFor(result, stdout, stderr);
        try
        {
            if (result.Action is ParseErrorAction)
            {
                throw new UsageException(UsageErrors.Describe(result, argv));
            }

            // Exceptions reach the handlers below; Ctrl-C ends the process as it does any console program.
            var invocation = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
            return await result.InvokeAsync(invocation);
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

    /// <summary>Where a run prints: JSON with <c>--json</c>, and never the API key of the line or the environment.</summary>
    private static Output OutputFor(ParseResult result, TextWriter stdout, TextWriter stderr) =>
        new(stdout, stderr, json: result.Errors.Count == 0 && result.GetValue(GlobalOptions.Json))
        {
            Secrets =
            [
                .. result.GetResult(GlobalOptions.ApiKey)?.Tokens.Select(t => t.Value) ?? [],
                Environment.GetEnvironmentVariable("LICENSING_API_KEY") ?? "",
            ],
        };

    /// <summary>
    /// The SDK's message (it never carries the API key), with the per-field errors of a 400, and for a server not reached
    /// the innermost exception's message: the transport's outer one may only say "see inner exception".
    /// </summary>
    private static string Describe(LicensingException ex)
    {
        var message = ex.Errors.Count == 0
            ? ex.Message
            : ex.Message + " (" + string.Join("; ", ex.Errors.Select(e => e.Key + ": " + string.Join(" ", e.Value))) + ")";
        if (ex.Kind != LicensingErrorKind.Unreachable)
        {
            return message;
        }

        var innermost = ex.GetBaseException();
        return innermost == ex || message.Contains(innermost.Message, StringComparison.Ordinal) ? message : $"{message} ({innermost.Message})";
    }
}
