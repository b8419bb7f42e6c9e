namespace Licensing.Offline;

/// <summary>An offline activation: the signed response text, or the reason there is none; the seat counts either way.</summary>
public sealed record OfflineActivation(string? Response, string? DeniedReason, string? LicenseId, int ActiveClientCount)
{
    public static OfflineActivation Invalid(string? licenseId = null) => new(null, Reasons.OfflineRequestInvalid, licenseId, 0);
}

/// <summary>An offline deactivation: the seat counts after it, or the reason the proof freed nothing.</summary>
public sealed record OfflineDeactivation(SeatCount? Count, string? DeniedReason);

/// <summary>
/// Activation for machines that never reach the server: a request carried across the air gap is activated as
/// <c>activate</c> would (through <see cref="ActivationService"/>, with every rule and event of it), and answered with a
/// signed response whose receipt commits with the activation, so the same request answers the same bytes and never
/// takes a second seat. A deactivation proof, MAC'd with the response's secret, frees that activation and no other.
/// The caller is whoever asks (a client or admin key, a portal session): nothing here knows of HTTP.
/// </summary>
public sealed class OfflineActivationService(ActivationService activations, SeatStore store, SeatDenials denials, TokenSigner signer, TimeProvider clock)
{
    /// <summary>Storage: as activate (read 1 + transaction 1), its receipt read with the license and committed with the seat.</summary>
    public async Task<OfflineActivation> ActivateAsync(Caller caller, OfflineRequest request, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (now - request.CreatedAt > OfflineTexts.MaxRequestAge)
        {
            return OfflineActivation.Invalid();
        }

        // A request that names its product sees only that product's licenses, as a product-bound key does.
        if (request.ProductId is { } productId)
        {
            if (caller.ProductId is { } bound && bound != productId)
            {
                return new OfflineActivation(null, Reasons.LicenseNotFound, null, 0);
            }

            caller = caller with { ProductId = productId };
        }

        var call = new ClientCall(request.UserKey, request.MachineId, ClientId: null, request.ClientName, LicenseToken: "", caller.ClientAddr);
        var secret = OfflineTexts.NewDeactivationSecret();
        var receipt = new ActivationReceipt(TableKeys.OfflineAnswerRow(request.RequestId), granted => Answer(granted, request, secret, now).ToEntity());
        var result = await activations.ActivateAsync(caller, call, receipt, ct).ConfigureAwait(false);
        if (result.Receipt is { } stored)
        {
            var answer = OfflineAnswerRow.FromEntity(stored, request.RequestId);
            return answer.MachineId == request.MachineId
                ? new OfflineActivation(answer.Response, null, answer.LicenseId, result.Decision?.ActiveClientCount ?? 0)
                : OfflineActivation.Invalid(answer.LicenseId);
        }

        var denied = await denials.NoteAsync(request.UserKey, result.Decision!, ct).ConfigureAwait(false);
        return new OfflineActivation(null, denied.DeniedReason, null, denied.ActiveClientCount);
    }

    /// <summary>
    /// Storage: the receipt's read (1), then as deactivate (read, purge hint, transaction); a proof that does not verify
    /// costs the receipt's read only, and a repeated one the two reads.
    /// </summary>
    public async Task<OfflineDeactivation> DeactivateAsync(Caller caller, DeactivationProof proof, CancellationToken ct)
    {
        var stored = await store.ReadRowAsync(proof.LicenseId, TableKeys.OfflineAnswerRow(proof.RequestId), ct).ConfigureAwait(false);
        if (stored is null || OfflineAnswerRow.FromEntity(stored, proof.RequestId) is not { } answer
            || answer.MachineId != proof.MachineId || !OfflineTexts.MacMatches(proof, answer.DeactivationSecret))
        {
            return new OfflineDeactivation(null, Reasons.OfflineRequestInvalid);
        }

        var outcome = await activations.DeactivateAsync(caller, proof.LicenseId, proof.MachineId, onlyTokenId: answer.TokenId, ct).ConfigureAwait(false);
        return outcome.Refused is { } refusal ? new OfflineDeactivation(null, refusal.Reason) : new OfflineDeactivation(outcome.Value, null);
    }

    private OfflineAnswerRow Answer(SeatDecision granted, OfflineRequest request, string secret, DateTimeOffset now)
    {
        var (token, license) = (granted.Token!, granted.License!);
        var payload = new OfflineActivationPayload(
            license.LicenseId,
            license.ProductId,
            request.MachineId,
            request.RequestId,
            token.Token,
            token.ExpireAt.ToUnixTimeSeconds(),
            license.SignedDocument,
            SignedEntitlement.Of(license.Entitlements),
            now.ToUnixTimeSeconds(),
            secret,
            TokenKinds.OfflineActivation);
        var response = OfflineTexts.ResponsePrefix + signer.Sign(payload, SignedJson.Default.OfflineActivationPayload);
        return new OfflineAnswerRow(license.LicenseId, request.RequestId, request.MachineId, token.TokenId, secret, response, now);
    }
}
