namespace Licensing.Cli;

/// <summary>
/// <c>licensing licenses export</c> and <c>import</c>: every license with its terms as JSON lines, and licenses created
/// from a spreadsheet (CSV) or JSON lines with the customers' existing user keys, through the admin API.
/// </summary>
internal static class LicenseTransferCommands
{
    // Pages small enough to answer well within a call's timeout on a busy server; the export's length is unbounded.
    private const int ExportPageSize = 200;

    private const int ParallelCreates = 16;

    private static readonly JsonSerializerOptions Lines = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private static readonly Argument<string> File = new("FILE") { Description = "a .csv file with a header line, or JSON lines" };

    private static readonly Option<string> Errors = new("--errors")
    {
        HelpName = "FILE", Description = "where the rows that failed go, each with why (default: FILE.errors)",
    };

    private static readonly Option<bool> DryRun = new("--dry-run")
    {
        Description = "read and check every row, create nothing (rows already imported are not looked up)",
        CustomParser = ValueParsers.Flag,
    };

    public static Command Export() => new Command("export", "Print every license with its terms, one JSON object a line (import reads them back).").Runs(ExportAsync);

    public static Command Import() => new Command("import", "Create licenses from a CSV or JSON lines file with their own user keys; rows already imported are skipped.")
    {
        File, Errors, DryRun,
    }.Runs(ImportAsync);

    private static async Task<int> ExportAsync(Session s)
    {
        var admin = s.Admin();
        string? token = null;
        do
        {
            var page = await admin.ListLicensesAsync(pageSize: ExportPageSize, continuationToken: token);
            foreach (var license in page.Items)
            {
                s.Out.Out.WriteLine(JsonSerializer.Serialize(new
                {
                    license.UserKey,
                    license.LicenseId,
                    license.ProductId,
                    LicensingMode = Modes.Name(license.LicensingMode),
                    license.MaxClientCount,
                    license.OverageSeats,
                    license.MaxTransfers,
                    license.CustomerName,
                    license.ExpireAt,
                    license.SupportExpireAt,
                    HeartbeatSeconds = license.HeartbeatInterval?.TotalSeconds,
                    GraceSeconds = license.GracePeriod?.TotalSeconds,
                    MaxBorrowSeconds = license.MaxBorrowDuration?.TotalSeconds,
                    license.Features,
                    Entitlements = license.Entitlements.Count == 0 ? null : license.Entitlements,
                    license.Portal,
                    license.PolicyId,
                    license.Revoked,
                    license.Suspended,
                    license.IssuedAt,
                }, Lines));
            }

            token = page.ContinuationToken;
        }
        while (!string.IsNullOrEmpty(token));

        return ExitCodes.Success;
    }

    private static async Task<int> ImportAsync(Session s)
    {
        var path = s.Required(File);
        if (!System.IO.File.Exists(path))
        {
            throw new UsageException($"no file '{path}'");
        }

        var rows = ImportRows.Read(path).ToList();
        var failed = new ConcurrentBag<(int Line, string Why, string Text)>(rows.Where(r => r.Error is not null).Select(r => (r.Line, r.Error!, r.Text)));
        var valid = rows.Where(r => r.License is not null).ToList();
        var created = 0;
        var skipped = 0;
        if (!s.Get(DryRun))
        {
            var admin = s.Admin();
            // On a terminal a bar redrawn on stderr; otherwise plain lines on stdout, beside the summary.
            var terminal = !Console.IsErrorRedirected;
            var progress = new ImportProgress(terminal ? s.Out.Error : s.Out.Out, terminal, valid.Count, TimeProvider.System);
            await Parallel.ForEachAsync(valid, new ParallelOptions { MaxDegreeOfParallelism = ParallelCreates }, async (row, ct) =>
            {
                try
                {
                    var license = await admin.CreateLicenseAsync(row.License!, ct);
                    if (row.State is { } state)
                    {
                        await admin.UpdateLicenseAsync(license.LicenseId, state, ct);
                    }

                    Interlocked.Increment(ref created);
                }
                catch (LicensingException ex) when (ex.Code == "user_key_in_use")
                {
                    Interlocked.Increment(ref skipped);
                }
                catch (LicensingException ex) when (ex.StatusCode is 400 or 422)
                {
                    failed.Add((row.Line, Why(ex), row.Text));
                }

                progress.Advance();
            });
            progress.Finish();
        }

        var errorsPath = s.Get(Errors) ?? path + ".errors";
        await System.IO.File.WriteAllLinesAsync(errorsPath, failed.OrderBy(f => f.Line).Select(f => $"line {f.Line}: {f.Why}\t{f.Text}"));
        s.Out.Out.WriteLine(s.Get(DryRun)
            ? $"import (dry run): {valid.Count} rows to create or skip, {failed.Count} failed (see {errorsPath})"
            : $"import: {created} created, {skipped} skipped (already imported), {failed.Count} failed (see {errorsPath})");
        return failed.IsEmpty ? ExitCodes.Success : ExitCodes.Denied;
    }

    private static string Why(LicensingException ex) =>
        ex.Errors.Count == 0 ? ex.Message : string.Join("; ", ex.Errors.Select(e => e.Key + ": " + string.Join(" ", e.Value)));
}
