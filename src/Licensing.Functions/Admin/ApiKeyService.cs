namespace Licensing.Admin;

/// <summary>The admin API's keys: create (the key shown once), list without secrets, delete, and their audit trail.</summary>
public sealed class ApiKeyService(ApiKeyStore store, ApiKeyAuthenticator authenticator, AuditTrail audit, TimeProvider clock)
{
    /// <summary>A new random key (160-bit secret) and its stored row; the key itself is never stored.</summary>
    public async Task<(ApiKeyRow Row, string Key)> CreateAsync(
        string name, string scope, string? productId, DateTimeOffset? expiresAt, Caller caller, CancellationToken ct)
    {
        var id = Base32.Random(ApiKeyAuthenticator.IdLength);
        var key = ApiKeyAuthenticator.Prefix + id + "_" + Base32.Random(ApiKeyAuthenticator.SecretLength);
        var now = clock.GetUtcNow();
        var row = new ApiKeyRow(id, name, scope, productId, now, ApiKeyAuthenticator.Hash(key), expiresAt);
        await store.CreateAsync(row, AuditEvents.ApiKey(AuditEventTypes.ApiKeyCreated, row, now, caller), ct).ConfigureAwait(false);
        authenticator.Forget(id);
        return (row, key);
    }

    public Task<IReadOnlyList<ApiKeyRow>> ListAsync(CancellationToken ct) => store.ListAsync(ct);

    /// <summary>Deletes a key, with its audit event; it stops working on this instance at once.</summary>
    public async Task<Outcome<Done>> DeleteAsync(string id, Caller caller, CancellationToken ct)
    {
        if (!ApiKeyAuthenticator.IsKeyId(id))
        {
            return NoKey(id);
        }

        authenticator.Forget(id);
        try
        {
            return await store.DeleteAsync(id, key => AuditEvents.ApiKey(AuditEventTypes.ApiKeyDeleted, key, clock.GetUtcNow(), caller), ct).ConfigureAwait(false)
                ? Done.Instance
                : NoKey(id);
        }
        finally
        {
            authenticator.Forget(id);
        }
    }

    /// <summary>A page of key events, newest first; a refusal for a continuation token this API did not hand out.</summary>
    public async Task<Outcome<AuditPage>> EventsAsync(PageRequest page, CancellationToken ct) =>
        await audit.ReadApiKeyPageAsync(page.PageSize, page.ContinuationToken, ct).ConfigureAwait(false) is { } events
            ? new AuditPage(events.Events, events.Next)
            : PageRequest.UnknownContinuationToken;

    private static Refusal NoKey(string id) => new(RefusalCodes.NotFound, $"No API key '{id}'.");
}
