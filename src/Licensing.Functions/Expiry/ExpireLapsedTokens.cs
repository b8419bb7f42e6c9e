namespace Licensing.Expiry;

/// <summary>The timer: ends lapsed leases and purges old ended tokens, on the schedule the settings give.</summary>
public sealed partial class ExpireLapsedTokens(LeaseExpiryService expiry, LicensingMetrics metrics, TimeProvider clock, ILogger<ExpireLapsedTokens> logger)
{
    [Function(nameof(ExpireLapsedTokens))]
    public async Task Run([TimerTrigger(SettingNames.ExpiryScheduleBinding)] TimerInfo timer, CancellationToken ct)
    {
        var started = clock.GetTimestamp();
        ExpiryRun? run = null;
        try
        {
            run = await expiry.RunAsync(ct).ConfigureAwait(false);
            LogRun(logger, run.Examined, run.Lapsed, run.Moved, run.Purged, run.Stale, run.Complete, timer.IsPastDue);
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or TimeoutException or OperationCanceledException or Storage.ContentionException && !ct.IsCancellationRequested)
        {
            // Storage is away: skip this run; the next one picks up from the same checkpoint.
            LogSkipped(logger, ex.GetType().Name, ex.Message);
        }
        finally
        {
            metrics.ExpiryRan(run, clock.GetElapsedTime(started));
        }
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "ExpireLapsedTokens: examined {Examined}, lapsed {Lapsed}, moved {Moved}, purged {Purged}, stale {Stale}, complete {Complete}, past due {PastDue}")]
    private static partial void LogRun(ILogger logger, int examined, int lapsed, int moved, int purged, int stale, bool complete, bool pastDue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ExpireLapsedTokens skipped: storage unavailable ({Kind}: {Detail})")]
    private static partial void LogSkipped(ILogger logger, string kind, string detail);
}
