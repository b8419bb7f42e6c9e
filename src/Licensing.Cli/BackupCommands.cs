namespace Licensing.Cli;

/// <summary><c>licensing backup restore</c>: writes a backup the server's timer made into an account's tables.</summary>
internal static class BackupCommands
{
    private static readonly Option<string> From = new("--from")
    {
        HelpName = "CONTAINER[/BACKUP]",
        Description = "the backup: its container, and its id (the newest finished backup of the container when left out)",
        Required = true,
        CustomParser = ValueParsers.NonEmpty,
    };

    private static readonly Option<string> To = new("--to")
    {
        HelpName = "CONNECTION",
        Description = "the storage account to restore into, as a connection string",
        Required = true,
        CustomParser = ValueParsers.NonEmpty,
    };

    private static readonly Option<string> FromStorage = new("--from-storage")
    {
        HelpName = "CONNECTION",
        Description = "the account holding the backup, as a connection string (default: the --to account)",
    };

    private static readonly Option<string> TablePrefix = new("--table-prefix")
    {
        HelpName = "PREFIX",
        Description = "the table prefix of the server that will read the tables (its Licensing:TablePrefix)",
        DefaultValueFactory = _ => "",
    };

    private static readonly Option<bool> Force = new("--force")
    {
        Description = "restore into tables that already hold rows, replacing rows with the backup's",
        CustomParser = ValueParsers.Flag,
    };

    public static Command Group() => new("backup", "Backups of the server's tables (storage connection strings, no server)")
    {
        new Command("restore", "Check a backup against its manifest, then write it into an account with no rows in its tables.")
        {
            From, To, FromStorage, TablePrefix, Force,
        }.Runs(RestoreAsync),
    };

    private static async Task<int> RestoreAsync(Session s)
    {
        var (containerName, backupId) = SplitFrom(s.Required(From));
        var to = s.Required(To);
        var container = new BlobServiceClient(s.Get(FromStorage) is { Length: > 0 } from ? from : to).GetBlobContainerClient(containerName);
        var reader = new BackupReader(container);
        var restore = new BackupRestore(reader, new TableServiceClient(to), s.Get(TablePrefix) ?? "");
        var ct = CancellationToken.None;
        try
        {
            var manifest = await reader.ManifestAsync(backupId, ct);
            s.Out.Out.WriteLine($"restore: backup {manifest.BackupId} of {manifest.CompletedAt:u} (app {manifest.AppVersion}): {manifest.Tables.Sum(t => t.Rows)} rows in {manifest.Tables.Count} tables");
            var nonEmpty = await restore.NonEmptyTablesAsync(manifest, ct);
            if (nonEmpty.Count > 0 && !s.Get(Force))
            {
                s.Out.Fail($"refused: the target already holds rows in {string.Join(", ", nonEmpty)}; restore into an empty account, or pass --force to replace its rows");
                return ExitCodes.Failed;
            }

            var progress = new SynchronousProgress(p => s.Out.Out.WriteLine($"restore: {p.Stage} {p.Table} {p.Rows}/{p.TotalRows} rows"));
            await restore.CheckAsync(manifest, progress, ct);
            await restore.WriteAsync(manifest, s.Get(Force), progress, ct);
            s.Out.Out.WriteLine($"restore: done, {manifest.Tables.Sum(t => t.Rows)} rows in {manifest.Tables.Count} tables");
            return ExitCodes.Success;
        }
        catch (BackupInvalidException ex)
        {
            s.Out.Fail("the backup does not hold what its manifest says, nothing was written: " + ex.Message);
            return ExitCodes.Failed;
        }
        catch (Azure.RequestFailedException ex)
        {
            s.Out.Fail($"storage answered {ex.Status} ({ex.ErrorCode}): {Output.OneLine(ex.Message)}");
            return ExitCodes.Failed;
        }
    }

    private static (string Container, string? BackupId) SplitFrom(string from)
    {
        var slash = from.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? (from, null) : (from[..slash], from[(slash + 1)..].TrimEnd('/'));
    }

    /// <summary>Reports on the caller's thread, in order (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SynchronousProgress(Action<RestoreProgress> report) : IProgress<RestoreProgress>
    {
        public void Report(RestoreProgress value) => report(value);
    }
}
