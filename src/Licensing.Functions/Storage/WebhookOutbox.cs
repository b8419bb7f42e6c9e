namespace Licensing.Storage;

/// <summary>
/// This instance's copy of the webhooks (a few rows), at most <see cref="Ttl"/> old: it answers "does any webhook want
/// this event?" without a storage request, so a vendor without webhooks pays nothing per change. Changes made on this
/// instance refresh it at once; another instance's within the TTL.
/// </summary>
public sealed class WebhookDirectory(WebhookStore store, TimeProvider clock)
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(5);

    private (IReadOnlyList<WebhookRow> Webhooks, DateTimeOffset ReadAt)? _copy;

    public async Task<IReadOnlyList<WebhookRow>> CurrentAsync(CancellationToken ct)
    {
        if (_copy is { } copy && clock.GetUtcNow() - copy.ReadAt < Ttl)
        {
            return copy.Webhooks;
        }

        var readAt = clock.GetUtcNow();
        var webhooks = await store.ListAllAsync(ct).ConfigureAwait(false);
        _copy = (webhooks, readAt);
        return webhooks;
    }

    /// <summary>A webhook was created, changed or deleted here: read them again on the next question.</summary>
    public void Forget() => _copy = null;
}

/// <summary>
/// Makes a change's audit events deliverable: before the change's transaction, a hint per event some webhook wants
/// (one request for all of them); the dispatcher turns the hints whose events committed into deliveries. Written
/// before the transaction like the expiry index, so a process that stops right after the commit loses nothing.
/// </summary>
public sealed class WebhookOutbox(WebhookDirectory directory, WebhookStore store, TimeProvider clock)
{
    /// <summary>Hints for the license events of a transaction about to be submitted.</summary>
    public Task BeforeLicenseCommitAsync(string productId, IReadOnlyCollection<AuditEventRow> events, CancellationToken ct) =>
        BeforeCommitAsync(TableKeys.HintLicensesTable, productId, events, ct);

    /// <summary>Hints for an API key's event about to be submitted (keys belong to no license: webhooks of every product only).</summary>
    public Task BeforeApiKeyCommitAsync(AuditEventRow keyEvent, CancellationToken ct) =>
        BeforeCommitAsync(TableKeys.HintApiKeysTable, productId: null, [keyEvent], ct);

    private async Task BeforeCommitAsync(string table, string? productId, IReadOnlyCollection<AuditEventRow> events, CancellationToken ct)
    {
        if (events.Count == 0)
        {
            return;
        }

        var webhooks = await directory.CurrentAsync(ct).ConfigureAwait(false);
        if (webhooks.Count == 0)
        {
            return;
        }

        var now = clock.GetUtcNow();
        var hints = events
            .Where(e => webhooks.Any(w => w.Wants(e.Type, productId)))
            .Select(e => new WebhookHint(now, table, e.PartitionKey, e.RowKey, productId))
            .ToArray();
        if (hints.Length > 0)
        {
            await store.AddHintsAsync(hints, ct).ConfigureAwait(false);
        }
    }
}
