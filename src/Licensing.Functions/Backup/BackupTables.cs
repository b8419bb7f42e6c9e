namespace Licensing.Backup;

/// <summary>The timer: backs up every table of the app to blobs, on the schedule the settings give (daily by default).</summary>
public sealed partial class BackupTables(BackupService backups, LicensingMetrics metrics, ILogger<BackupTables> logger)
{
    [Function(nameof(BackupTables))]
    public async Task Run([TimerTrigger(SettingNames.BackupScheduleBinding)] TimerInfo timer, CancellationToken ct)
    {
        try
        {
            var run = await backups.RunAsync(ct).ConfigureAwait(false);
            if (run is null)
            {
                metrics.BackupRan("busy", rows: 0);
                LogBusy(logger);
                return;
            }

            metrics.BackupRan(run.Complete ? "complete" : "partial", run.Rows);
            LogRun(logger, run.BackupId, run.Parts, run.Rows, run.Resumed, run.Complete, timer.IsPastDue);
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or TimeoutException or InvalidOperationException
                                       or OperationCanceledException && !ct.IsCancellationRequested)
        {
            // Storage is away or the run was cut off: the next run resumes from the last part recorded.
            metrics.BackupRan("failed", rows: 0);
            LogSkipped(logger, ex.GetType().Name, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "BackupTables: backup {BackupId}, wrote {Parts} parts and {Rows} rows, resumed {Resumed}, complete {Complete}, past due {PastDue}")]
    private static partial void LogRun(ILogger logger, string backupId, int parts, long rows, bool resumed, bool complete, bool pastDue);

    [LoggerMessage(Level = LogLevel.Information, Message = "BackupTables: another run is writing the backup; this one left it")]
    private static partial void LogBusy(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "BackupTables stopped; the next run resumes it ({Kind}: {Detail})")]
    private static partial void LogSkipped(ILogger logger, string kind, string detail);
}
