namespace Licensing.Http;

/// <summary>The admin API's policy view.</summary>
public sealed record PolicyView(
    string PolicyId,
    string Name,
    string ProductId,
    int LicensingMode,
    int MaxClientCount,
    Duration? Duration,
    Duration? SupportDuration,
    Duration? HeartbeatInterval,
    Duration GracePeriod,
    Duration MaxBorrowDuration,
    IReadOnlyList<string> Features,
    IReadOnlyList<EntitlementView> Entitlements,
    bool Trial,
    Timestamp CreatedAt,
    int OverageSeats,
    int MaxTransfers,
    IReadOnlyList<MeterTermsView> Meters,
    bool Portal);

/// <summary>A meter's terms as a policy holds them.</summary>
public sealed record MeterTermsView(string Code, long? Limit, string? ResetPeriod, long Overage);

public sealed record PolicyPage(IReadOnlyList<PolicyView> Items, string? ContinuationToken);
