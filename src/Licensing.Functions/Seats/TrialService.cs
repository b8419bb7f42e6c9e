namespace Licensing.Seats;

/// <summary>What a trial call asks: the product (a product-bound key's own when absent) and the machine.</summary>
public sealed record TrialCall(string? ProductId, string MachineId, string? ClientName, string ClientAddr);

/// <summary>A trial's activation and the user key of its license (null when the product offers no trial).</summary>
public sealed record TrialDecision(SeatDecision Activation, string? UserKey);

/// <summary>
/// Trials: a machine's first call makes a mode-1 license from the product's trial policy and activates the machine
/// on it; every later call answers that license and activation again, expired or not, and never makes another.
/// </summary>
public sealed class TrialService(
    PolicyStore policies,
    TrialStore trials,
    LicenseStore licenses,
    ActivationService activations,
    TokenSigner signer,
    TimeProvider clock,
    Microsoft.Extensions.Options.IOptions<Settings.LicensingOptions> options)
{
    private readonly byte[] _userKeySecret = signer.DeriveSecret("trial-user-key");

    /// <summary>
    /// Storage: a repeated call reads the trial row (1) then activates (its read, 2); a first call also reads the
    /// trial marker and policy (2), writes the license's catalog row (1), creates the license (1) and the trial row (1), and
    /// activation commits (1): 9.
    /// </summary>
    public async Task<TrialDecision> StartAsync(Caller caller, TrialCall call, CancellationToken ct)
    {
        if (caller.ProductId is { } bound && call.ProductId is { } asked && asked != bound)
        {
            return NotAvailable();
        }

        var productId = caller.ProductId ?? call.ProductId ?? "default";
        var userKey = await trials.ReadUserKeyAsync(productId, call.MachineId, ct).ConfigureAwait(false);
        if (userKey is null)
        {
            if (await policies.ReadTrialAsync(productId, ct).ConfigureAwait(false) is not { } policy)
            {
                return NotAvailable();
            }

            // Every contender for the pair derives the same user key, so the license row's create decides the race:
            // one license, whoever wins; the trial row, written after it, makes the pair's trial its only one.
            userKey = TableKeys.TrialUserKey(_userKeySecret, productId, call.MachineId);
            await CreateLicenseAsync(caller, policy, userKey, ct).ConfigureAwait(false);
            if (!await trials.AddAsync(productId, call.MachineId, userKey, ct).ConfigureAwait(false))
            {
                userKey = await trials.ReadUserKeyAsync(productId, call.MachineId, ct).ConfigureAwait(false) ?? userKey;
            }
        }

        var machine = new ClientCall(userKey, call.MachineId, null, call.ClientName, "", call.ClientAddr);
        return new TrialDecision(await activations.ActivateAsync(caller, machine, ct).ConfigureAwait(false), userKey);
    }

    private async Task CreateLicenseAsync(Caller caller, PolicyRow policy, string userKey, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var license = new LicenseRow
        {
            LicenseId = TableKeys.LicenseId(userKey),
            UserKey = userKey,
            ProductId = policy.ProductId,
            Mode = LicensingMode.Activation,
            MaxClientCount = policy.MaxClientCount,
            OverageSeats = policy.OverageSeats,
            MaxTransfers = policy.MaxTransfers,
            ExpireAt = now + policy.Duration,
            SupportExpireAt = now + policy.SupportDuration,
            HeartbeatInterval = policy.HeartbeatInterval ?? options.Value.DefaultHeartbeatInterval,
            Entitlements = policy.Entitlements,
            Meters = policy.Meters,
            IssuedAt = now,
            CreationId = Base32.Random(16),
            PolicyId = policy.PolicyId,
        };

        // False when a contender (or an earlier call that stopped half-way) created it: the same license either way.
        await licenses.AddAsync(license, AuditEvents.License(AuditEventTypes.LicenseCreated, before: null, license, now, caller), ct).ConfigureAwait(false);
    }

    private static TrialDecision NotAvailable() => new(SeatDecision.Denied(Reasons.TrialNotAvailable, license: null, activeClientCount: 0), UserKey: null);
}
