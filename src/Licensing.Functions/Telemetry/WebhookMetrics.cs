namespace Licensing.Telemetry;

/// <summary>Webhook deliveries on the app's meter: attempts by result, deliveries that failed for good, and the lag from event to delivery.</summary>
public sealed class WebhookMetrics
{
    public const string Attempts = "licensing.webhooks.attempts";
    public const string Failures = "licensing.webhooks.failures";
    public const string Lag = "licensing.webhooks.lag";

    private readonly Counter<long> _attempts;
    private readonly Counter<long> _failures;
    private readonly Histogram<double> _lag;

    public WebhookMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(LicensingMetrics.MeterName);
        _attempts = meter.CreateCounter<long>(Attempts, "{attempt}", "Webhook delivery attempts, by result: delivered, retrying or failed.");
        _failures = meter.CreateCounter<long>(Failures, "{delivery}", "Webhook deliveries that failed for good after their retry window.");
        _lag = meter.CreateHistogram<double>(Lag, "s", "Time from an event to its successful delivery.");
    }

    public void Attempted(string result) => _attempts.Add(1, new KeyValuePair<string, object?>("result", result));

    public void Failed() => _failures.Add(1);

    public void Delivered(TimeSpan lag) => _lag.Record(lag.TotalSeconds);
}
