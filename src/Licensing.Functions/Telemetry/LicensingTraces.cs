namespace Licensing.Telemetry;

/// <summary>
/// The app's own spans (<see cref="SourceName"/>): one per API call, naming the endpoint, its outcome, reason and status,
/// and the license where the answer names one; never a key, user key or token.
/// </summary>
public static class LicensingTraces
{
    public const string SourceName = "Licensing";

    public const string EndpointTag = "licensing.endpoint";
    public const string OutcomeTag = "licensing.outcome";
    public const string ReasonTag = "licensing.reason";
    public const string LicenseIdTag = "licensing.license_id";
    public const string SeatsInUseTag = "licensing.seats_in_use";

    /// <summary>Every tag of the app's own, for the deployment's workbook to be checked against.</summary>
    public static readonly IReadOnlyList<string> TagNames = [EndpointTag, OutcomeTag, ReasonTag, LicenseIdTag, SeatsInUseTag];

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>A span for one call, or null when nothing listens.</summary>
    public static Activity? StartCall(string endpoint)
    {
        var activity = Source.StartActivity("licensing " + endpoint);
        activity?.SetTag(EndpointTag, endpoint);
        return activity;
    }

    public static void Answered(Activity? activity, CallOutcome outcome)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag(OutcomeTag, outcome.Kind);
        activity.SetTag("http.response.status_code", outcome.Status);
        activity.SetTag(ReasonTag, outcome.Reason);
        activity.SetTag(LicenseIdTag, outcome.LicenseId);
        activity.SetTag(SeatsInUseTag, outcome.SeatsInUse);
        if (outcome.Status >= 500)
        {
            activity.SetStatus(ActivityStatusCode.Error, outcome.Reason);
        }
    }
}
