namespace Licensing.Webhooks;

/// <summary>The timer: turns committed events into deliveries and sends what is due, on the schedule the settings give.</summary>
public sealed partial class DeliverWebhooks(WebhookDispatcher dispatcher, ILogger<DeliverWebhooks> logger)
{
    [Function(nameof(DeliverWebhooks))]
    public async Task Run([TimerTrigger(SettingNames.WebhookScheduleBinding)] TimerInfo timer, CancellationToken ct)
    {
        try
        {
            var run = await dispatcher.RunAsync(ct).ConfigureAwait(false);
            if (run.Hints + run.Attempted > 0)
            {
                LogRun(logger, run.Hints, run.Fanned, run.Dropped, run.Attempted, run.Delivered, run.Retrying, run.Failed, timer.IsPastDue);
            }
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or TimeoutException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            // Storage is away: the hints and due attempts wait for the next run.
            LogSkipped(logger, ex.GetType().Name, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "DeliverWebhooks: hints {Hints}, deliveries created {Fanned}, hints dropped {Dropped}, attempts {Attempted}, delivered {Delivered}, retrying {Retrying}, failed {Failed}, past due {PastDue}")]
    private static partial void LogRun(ILogger logger, int hints, int fanned, int dropped, int attempted, int delivered, int retrying, int failed, bool pastDue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "DeliverWebhooks skipped: storage unavailable ({Kind}: {Detail})")]
    private static partial void LogSkipped(ILogger logger, string kind, string detail);
}
