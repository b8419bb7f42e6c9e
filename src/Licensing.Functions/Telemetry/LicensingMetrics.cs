namespace Licensing.Telemetry;

/// <summary>
/// The app's own metrics, one meter (<see cref="MeterName"/>): calls by endpoint and outcome with their latency, denials
/// by reason, seats granted and ended by cause, storage requests and the 503s they caused, the expiry timer's runs and the backups'.
/// Tags carry names, codes and statuses only: never a key, user key, token or license id (a metric tag is for counting).
/// </summary>
public sealed class LicensingMetrics
{
    public const string MeterName = "Licensing";

    public const string Calls = "licensing.calls";
    public const string CallDuration = "licensing.call.duration";
    public const string Denials = "licensing.denials";
    public const string SeatsGranted = "licensing.seats.granted";
    public const string SeatsEnded = "licensing.seats.ended";
    public const string StorageRequests = "licensing.storage.requests";
    public const string StorageUnavailable = "licensing.storage.unavailable";
    public const string ExpiryRuns = "licensing.expiry.runs";
    public const string ExpiryDuration = "licensing.expiry.duration";
    public const string BackupRuns = "licensing.backup.runs";
    public const string BackupRows = "licensing.backup.rows";

    /// <summary>Every instrument's name, for the deployment's workbook and alert rules to be checked against.</summary>
    public static readonly IReadOnlyList<string> InstrumentNames =
        [Calls, CallDuration, Denials, SeatsGranted, SeatsEnded, StorageRequests, StorageUnavailable, ExpiryRuns, ExpiryDuration, BackupRuns, BackupRows];

    private readonly Counter<long> _calls;
    private readonly Histogram<double> _callDuration;
    private readonly Counter<long> _denials;
    private readonly Counter<long> _seatsGranted;
    private readonly Counter<long> _seatsEnded;
    private readonly Counter<long> _storageRequests;
    private readonly Counter<long> _storageUnavailable;
    private readonly Counter<long> _expiryRuns;
    private readonly Histogram<double> _expiryDuration;
    private readonly Counter<long> _backupRuns;
    private readonly Counter<long> _backupRows;

    public LicensingMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _calls = meter.CreateCounter<long>(Calls, "{call}", "API calls answered, by endpoint, outcome and status.");
        _callDuration = meter.CreateHistogram<double>(CallDuration, "ms", "Time to answer an API call, by endpoint and outcome.");
        _denials = meter.CreateCounter<long>(Denials, "{call}", "Calls answered with a reason code (a denied seat or a refusal), by endpoint and reason.");
        _seatsGranted = meter.CreateCounter<long>(SeatsGranted, "{seat}", "Seats granted, by cause: activated or leased.");
        _seatsEnded = meter.CreateCounter<long>(SeatsEnded, "{seat}", "Seats ended, by cause: deactivated, released, lapsed or revoked.");
        _storageRequests = meter.CreateCounter<long>(StorageRequests, "{request}", "Table storage requests (every attempt), by status.");
        _storageUnavailable = meter.CreateCounter<long>(StorageUnavailable, "{call}", "Calls answered 503 because storage was unavailable, by endpoint.");
        _expiryRuns = meter.CreateCounter<long>(ExpiryRuns, "{run}", "Expiry timer runs, by result: complete, partial or skipped.");
        _expiryDuration = meter.CreateHistogram<double>(ExpiryDuration, "ms", "Time an expiry timer run took.");
        _backupRuns = meter.CreateCounter<long>(BackupRuns, "{run}", "Backup timer runs, by result: complete, partial (cut off; the next run resumes), busy (another run held it) or failed.");
        _backupRows = meter.CreateCounter<long>(BackupRows, "{row}", "Table rows written to backups.");
    }

    /// <summary>One answered API call.</summary>
    public void Answered(string endpoint, CallOutcome outcome, TimeSpan elapsed)
    {
        var kind = new KeyValuePair<string, object?>("outcome", outcome.Kind);
        var at = new KeyValuePair<string, object?>("endpoint", endpoint);
        _calls.Add(1, at, kind, new("status", outcome.Status));
        _callDuration.Record(elapsed.TotalMilliseconds, at, kind);
        if (outcome.Reason is { } reason)
        {
            _denials.Add(1, at, new("reason", reason));
        }

        if (outcome.Reason == Http.Problems.StorageUnavailable)
        {
            _storageUnavailable.Add(1, at);
        }
    }

    /// <summary>The seat changes of a committed transaction, read from the audit events that rode in it.</summary>
    public void SeatsChanged(IEnumerable<AuditEventRow> events)
    {
        foreach (var type in events.Select(e => e.Type))
        {
            switch (type)
            {
                case AuditEventTypes.SeatActivated:
                    _seatsGranted.Add(1, new KeyValuePair<string, object?>("cause", "activated"));
                    break;
                case AuditEventTypes.SeatGranted:
                    _seatsGranted.Add(1, new KeyValuePair<string, object?>("cause", "leased"));
                    break;
                case AuditEventTypes.SeatDeactivated:
                case AuditEventTypes.SeatReleased:
                case AuditEventTypes.SeatLapsed:
                case AuditEventTypes.SeatRevoked:
                    _seatsEnded.Add(1, new KeyValuePair<string, object?>("cause", type["seat.".Length..]));
                    break;
                default:
                    break;
            }
        }
    }

    /// <summary>One storage request attempt and its status (0: no answer at all).</summary>
    public void StorageRequest(int status) => _storageRequests.Add(1, new KeyValuePair<string, object?>("status", status));

    /// <summary>One expiry timer run: its result (null when storage was away and the run was skipped) and duration.</summary>
    public void ExpiryRan(ExpiryRun? run, TimeSpan elapsed)
    {
        var result = run is null ? "skipped" : run.Complete ? "complete" : "partial";
        _expiryRuns.Add(1, new KeyValuePair<string, object?>("result", result));
        _expiryDuration.Record(elapsed.TotalMilliseconds, new KeyValuePair<string, object?>("result", result));
    }

    /// <summary>One backup timer run: its result (complete, partial, busy or failed) and the rows it wrote.</summary>
    public void BackupRan(string result, long rows)
    {
        _backupRuns.Add(1, new KeyValuePair<string, object?>("result", result));
        if (rows > 0)
        {
            _backupRows.Add(rows);
        }
    }
}
