namespace Licensing.Admin;

/// <summary>A policy's terms copied into a license draft: what the draft names wins, the rest comes from the policy.</summary>
public static class PolicyTerms
{
    public static LicenseDraft Fill(LicenseDraft draft, PolicyRow policy, DateTimeOffset now) => draft with
    {
        Mode = draft.Mode ?? policy.Mode,
        MaxClientCount = draft.MaxClientCount ?? policy.MaxClientCount,
        OverageSeats = draft.OverageSeats ?? policy.OverageSeats,
        MaxTransfers = draft.MaxTransfers ?? policy.MaxTransfers,
        ProductId = policy.ProductId,
        ExpireAt = draft.HasExpireAt ? draft.ExpireAt : now + policy.Duration,
        HasExpireAt = true,
        SupportExpireAt = draft.HasSupportExpireAt ? draft.SupportExpireAt : now + policy.SupportDuration,
        HasSupportExpireAt = true,
        HeartbeatInterval = draft.HeartbeatInterval ?? policy.HeartbeatInterval,
        GracePeriod = draft.GracePeriod ?? policy.GracePeriod,
        MaxBorrowDuration = draft.MaxBorrowDuration ?? policy.MaxBorrowDuration,
        Entitlements = draft.Entitlements ?? policy.Entitlements,
        Meters = draft.Meters ?? policy.Meters,
        Portal = draft.Portal ?? policy.Portal,
        PolicyId = policy.PolicyId,
    };
}
