namespace Licensing.Http;

public static partial class Answers
{
    /// <summary>usage with one use: its answer.</summary>
    public static IActionResult Usage(UsageRecording recording) =>
        ApiResult.Ok(UsageView(recording), ApiJson.Wire.UsageResponse).Noting(recording.DeniedReason, licenseId: null, seatsInUse: null);

    /// <summary>usage with a batch: one answer per use, in the order sent.</summary>
    public static IActionResult UsageBatch(IReadOnlyList<UsageRecording> recordings) =>
        ApiResult.Ok(new UsageBatchResponse(recordings.Select(UsageView).ToArray()), ApiJson.Wire.UsageBatchResponse);

    private static UsageResponse UsageView(UsageRecording r) => new(
        r.Recorded,
        r.Meter,
        r.Standing.Used,
        r.Standing.Limit,
        r.Standing.Remaining,
        Timestamp.From(r.Standing.PeriodEndsAt),
        r.Overage,
        r.Duplicate,
        r.DeniedReason,
        r.DeniedReason is null ? null : Reasons.Message(r.DeniedReason));
}
