using System.Diagnostics;

namespace Licensing.Telemetry;

/// <summary>
/// The app's own spans (<see cref="SourceName"/>): one per API call, naming the endpoint, its outcome, reason and status,
/// and the license where the answer names one; never a key, user key or token.
/// </summary>
public static class LicensingTraces
{
    public const string SourceName = "Licensing";

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>A span for one call, or null when nothing listens.</summary>
    public static Activity? StartCall(string endpoint)
    {
        var activity = Source.StartActivity("licensing " + endpoint);
        activity?.SetTag("licensing.endpoint", endpoint);
        return activity;
    }

    public static void Answered(Activity? activity, CallOutcome outcome)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag("licensing.outcome", outcome.Kind);
        activity.SetTag("http.response.status_code", outcome.Status);
        activity.SetTag("licensing.reason", outcome.Reason);
        activity.SetTag("licensing.license_id", outcome.LicenseId);
        activity.SetTag("licensing.seats_in_use", outcome.SeatsInUse);
        if (outcome.Status >= 500)
        {
            activity.SetStatus(ActivityStatusCode.Error, outcome.Reason);
        }
    }
}
