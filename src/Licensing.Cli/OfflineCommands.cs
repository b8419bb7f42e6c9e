namespace Licensing.Cli;

/// <summary>
/// <c>licensing offline ...</c>: answer an air-gapped machine's activation request and free its seat on its
/// deactivation proof, for a vendor carrying the files by hand (an admin key, or a client key of the product).
/// </summary>
internal static class OfflineCommands
{
    private static readonly Option<string> Request = new("--request")
    {
        HelpName = "FILE|-", Description = "the activation request (lsreq1.…) the machine wrote; - reads it from stdin", Required = true,
        CustomParser = ValueParsers.NonEmpty,
    };

    private static readonly Option<string> Out = new("--out")
    {
        HelpName = "FILE", Description = "write the response there instead of to stdout",
    };

    private static readonly Option<string> Proof = new("--proof")
    {
        HelpName = "FILE|-", Description = "the deactivation proof (lsdea1.…) the machine showed; - reads it from stdin", Required = true,
        CustomParser = ValueParsers.NonEmpty,
    };

    public static Command Group() => new("offline", "Offline activation of machines that never reach the server")
    {
        new Command("activate", "Answer an activation request; prints the response to carry back (or writes it to --out).") { Request, Out }.Runs(ActivateAsync),
        new Command("deactivate", "Free the seat of a machine that deleted its offline activation, on its proof.") { Proof }.Runs(DeactivateAsync),
    };

    private static async Task<int> ActivateAsync(Session s)
    {
        var answer = await s.Client().ActivateOfflineAsync(await ReadAsync(s.Required(Request)));
        if (!answer.Success)
        {
            s.Out.Fail($"denied ({answer.ReasonCode ?? "no reason given"}): {answer.Message ?? "the server said no"}");
            return ExitCodes.Denied;
        }

        if (s.Get(Out) is { } file)
        {
            await File.WriteAllTextAsync(file, answer.Response + Environment.NewLine);
        }
        else if (s.Out.Json)
        {
            s.PrintAnswer();
        }
        else
        {
            s.Out.Out.WriteLine(answer.Response);
        }

        return ExitCodes.Success;
    }

    private static async Task<int> DeactivateAsync(Session s)
    {
        var answer = await s.Client().DeactivateOfflineAsync(await ReadAsync(s.Required(Proof)));
        if (s.Out.Json)
        {
            s.PrintAnswer();
        }
        else if (answer.Success)
        {
            s.Out.Fields([("licenseId", answer.LicenseId), ("activeClientCount", answer.ActiveClientCount), ("maxClientCount", answer.MaxClientCount)]);
        }

        if (answer.Success)
        {
            return ExitCodes.Success;
        }

        s.Out.Fail($"denied ({answer.ReasonCode ?? "no reason given"}): {answer.Message ?? "the server said no"}");
        return ExitCodes.Denied;
    }

    /// <summary>The text of a file, or of stdin for <c>-</c>, trimmed (a file saved with a final newline is the same text).</summary>
    private static async Task<string> ReadAsync(string source)
    {
        try
        {
            return (source == "-" ? await Console.In.ReadToEndAsync() : await File.ReadAllTextAsync(source)).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read '{source}': {ex.Message}");
        }
    }
}
