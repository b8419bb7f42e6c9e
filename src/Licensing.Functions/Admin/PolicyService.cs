namespace Licensing.Admin;

/// <summary>A page of policies and the token of the next page.</summary>
public sealed record PolicyRowPage(IReadOnlyList<PolicyRow> Policies, string? Next);

/// <summary>The admin API's policies: named templates of license terms, one of them per product possibly its trial.</summary>
public sealed class PolicyService(PolicyStore policies, TimeProvider clock)
{
    public async Task<Outcome<PolicyRow>> CreateAsync(PolicyDraft draft, CancellationToken ct)
    {
        var productId = draft.ProductId ?? "default";
        var policy = new PolicyRow
        {
            PolicyId = TableKeys.PolicyId(productId, Base32.Random(16)),
            ProductId = productId,
            CreatedAt = clock.GetUtcNow(),
        };
        draft.ApplyTo(policy);
        return await policies.AddAsync(policy, ct).ConfigureAwait(false) switch
        {
            PolicyWrite.Done => policy,
            PolicyWrite.TrialTaken => TrialTaken(productId),
            _ => throw new InvalidOperationException($"A new policy's id '{policy.PolicyId}' was taken."),
        };
    }

    public async Task<Outcome<PolicyRow>> GetAsync(string policyId, CancellationToken ct) =>
        await policies.ReadAsync(policyId, ct).ConfigureAwait(false) is { } policy ? policy : NotFound(policyId);

    public async Task<Outcome<PolicyRowPage>> ListAsync(string? productId, PageRequest page, CancellationToken ct) =>
        await policies.ListAsync(productId, page.PageSize, page.ContinuationToken, ct).ConfigureAwait(false) is { } listed
            ? new PolicyRowPage(listed.Policies, listed.Next)
            : PageRequest.UnknownContinuationToken;

    /// <summary>Changes the policy; licenses created from it before keep their terms.</summary>
    public Task<Outcome<PolicyRow>> PatchAsync(string policyId, PolicyDraft draft, CancellationToken ct) =>
        Contention.RetryAsync<Outcome<PolicyRow>>(async () =>
        {
            if (await policies.ReadAsync(policyId, ct).ConfigureAwait(false) is not { } policy)
            {
                return NotFound(policyId);
            }

            var wasTrial = policy.Trial;
            draft.ApplyTo(policy);
            if (PolicyDraft.Inconsistency(policy.Mode, policy.Trial, policy.Duration) is var (field, message))
            {
                return new Refusal(RefusalCodes.ValidationFailed, message, field);
            }

            if (SeatTerms.OverageProblem(policy.MaxClientCount, policy.OverageSeats) is { } overageProblem)
            {
                return new Refusal(RefusalCodes.ValidationFailed, overageProblem, draft.OverageSeats is null ? "maxClientCount" : "overageSeats");
            }

            return await policies.UpdateAsync(policy, wasTrial, ct).ConfigureAwait(false) switch
            {
                PolicyWrite.Done => policy,
                PolicyWrite.TrialTaken => TrialTaken(policy.ProductId),
                _ => null,
            };
        }, ct);

    public Task<Outcome<Done>> DeleteAsync(string policyId, CancellationToken ct) =>
        Contention.RetryAsync<Outcome<Done>>(async () =>
        {
            if (await policies.ReadAsync(policyId, ct).ConfigureAwait(false) is not { } policy)
            {
                return NotFound(policyId);
            }

            return await policies.DeleteAsync(policy, ct).ConfigureAwait(false) == PolicyWrite.Done ? Done.Instance : null;
        }, ct);

    public static Refusal NotFound(string policyId) => new(RefusalCodes.PolicyNotFound, $"No policy '{policyId}'.");

    private static Refusal TrialTaken(string productId) =>
        new(RefusalCodes.TrialPolicyExists, $"Product '{productId}' has a trial policy already; a product has at most one.");
}
