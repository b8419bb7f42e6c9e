namespace Licensing.Webhooks;

/// <summary>What one dispatcher run did, logged as counts.</summary>
public sealed record WebhookRun(int Hints, int Fanned, int Dropped, int Attempted, int Delivered, int Retrying, int Failed);

/// <summary>
/// The work behind the DeliverWebhooks timer. First the hints up to now: each whose event committed becomes one
/// delivery per webhook that wants it (then the hint goes); a hint whose event never committed is dropped once older
/// than <see cref="UncommittedHintBound"/>. Then the attempts due: each is claimed, sent, logged, and either done,
/// scheduled again with backoff, or failed after the retry window. A run reads only what is pending, never a license.
/// </summary>
public sealed class WebhookDispatcher(
    WebhookStore store,
    WebhookDirectory directory,
    WebhookSender sender,
    WebhookBackoff backoff,
    WebhookMetrics metrics,
    TimeProvider clock) : IDisposable
{
    /// <summary>The most hints and the most attempts one run handles; the rest wait for the next run.</summary>
    public const int MaxPerRun = 1_000;

    /// <summary>How long a hint may wait for its event's transaction (retried grants leave hints of events that never were).</summary>
    public static readonly TimeSpan UncommittedHintBound = TimeSpan.FromMinutes(2);

    /// <summary>How long a run holds a claimed attempt: past the send timeout, so only a run that died leaves one to retry.</summary>
    private static readonly TimeSpan ClaimFor = TimeSpan.FromSeconds(60);

    private const int ParallelSends = 16;

    private readonly SemaphoreSlim _oneRunAtATime = new(1, 1);

    public async Task<WebhookRun> RunAsync(CancellationToken ct)
    {
        await _oneRunAtATime.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var tally = new Tally();
            await FanOutAsync(tally, ct).ConfigureAwait(false);
            await AttemptDueAsync(tally, ct).ConfigureAwait(false);
            return new WebhookRun(tally.Hints, tally.Fanned, tally.Dropped, tally.Attempted, tally.Delivered, tally.Retrying, tally.Failed);
        }
        finally
        {
            _oneRunAtATime.Release();
        }
    }

    private async Task FanOutAsync(Tally tally, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var hints = await store.ReadHintsAsync(MaxPerRun, ct).ConfigureAwait(false);
        if (hints.Count == 0)
        {
            return;
        }

        var webhooks = await directory.CurrentAsync(ct).ConfigureAwait(false);
        await Parallel.ForEachAsync(hints, new ParallelOptions { MaxDegreeOfParallelism = ParallelSends, CancellationToken = ct }, async (hint, token) =>
        {
            Interlocked.Increment(ref tally.Hints);
            if (await store.ReadEventAsync(hint, token).ConfigureAwait(false) is not { } committed)
            {
                if (now - hint.At > UncommittedHintBound)
                {
                    Interlocked.Increment(ref tally.Dropped);
                    await store.DeleteHintAsync(hint, token).ConfigureAwait(false);
                }

                return;
            }

            var body = WebhookPayloads.Of(committed, hint.ProductId);
            var eventId = TableKeys.WebhookEventId(committed.PartitionKey, committed.RowKey);
            foreach (var webhook in webhooks.Where(w => w.Wants(committed.Type, hint.ProductId)))
            {
                Interlocked.Increment(ref tally.Fanned);
                await store.AddDueAsync(NewDelivery(webhook.Id, eventId, committed.Type, body, committed.At, now), token).ConfigureAwait(false);
            }

            await store.DeleteHintAsync(hint, token).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    /// <summary>A delivery's first attempt, due now.</summary>
    public static WebhookDue NewDelivery(string webhookId, string eventId, string type, string body, DateTimeOffset eventAt, DateTimeOffset now) => new()
    {
        DueAt = now,
        WebhookId = webhookId,
        DeliveryId = TableKeys.NewDeliveryId(now),
        Attempt = 1,
        EventId = eventId,
        Type = type,
        Body = body,
        FirstAttemptAt = now,
        EventAt = eventAt,
    };

    private async Task AttemptDueAsync(Tally tally, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var due = await store.ReadDueAsync(now, MaxPerRun, ct).ConfigureAwait(false);
        if (due.Count == 0)
        {
            return;
        }

        var webhooks = await directory.CurrentAsync(ct).ConfigureAwait(false);
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = ParallelSends, CancellationToken = ct }, async (attempt, token) =>
        {
            if (attempt.ClaimedUntil > now || await store.ClaimAsync(attempt, now + ClaimFor, token).ConfigureAwait(false) is not { } claimed)
            {
                return;
            }

            var webhook = webhooks.FirstOrDefault(w => w.Id == claimed.WebhookId) ?? await store.FindAsync(claimed.WebhookId, token).ConfigureAwait(false);
            if (webhook is null)
            {
                // Deleted: nothing to deliver to.
                await store.DeleteDueAsync(claimed, token).ConfigureAwait(false);
                return;
            }

            Interlocked.Increment(ref tally.Attempted);
            var result = webhook.Enabled
                ? await sender.SendAsync(webhook.Url, claimed.EventId, claimed.Body, token).ConfigureAwait(false)
                : new AttemptResult(false, null, "the webhook is disabled");
            await SettleAsync(claimed, result, tally, token).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    /// <summary>Logs an attempt, then schedules the next before removing this one, so a crash between leaves a retry, never none.</summary>
    private async Task SettleAsync(WebhookDue due, AttemptResult result, Tally tally, CancellationToken ct)
    {
        var at = clock.GetUtcNow();
        var failedForGood = !result.Delivered && at - due.FirstAttemptAt >= WebhookBackoff.RetryWindow;
        var next = result.Delivered || failedForGood ? (DateTimeOffset?)null : at + backoff.After(due.Attempt);
        var state = result.Delivered ? DeliveryStates.Delivered : failedForGood ? DeliveryStates.Failed : DeliveryStates.Retrying;
        await store.RecordAsync(new WebhookAttempt
        {
            WebhookId = due.WebhookId,
            DeliveryId = due.DeliveryId,
            Attempt = due.Attempt,
            EventId = due.EventId,
            Type = due.Type,
            State = state,
            HttpStatus = result.HttpStatus,
            At = at,
            NextAttemptAt = next,
            Error = result.Error,
            Body = due.Body,
        }, ct).ConfigureAwait(false);
        if (next is { } nextAt)
        {
            await store.AddDueAsync(due with { DueAt = nextAt, Attempt = due.Attempt + 1, ClaimedUntil = null }, ct).ConfigureAwait(false);
        }

        await store.DeleteDueAsync(due, ct).ConfigureAwait(false);
        metrics.Attempted(state);
        if (result.Delivered)
        {
            Interlocked.Increment(ref tally.Delivered);
            metrics.Delivered(at - due.EventAt);
        }
        else if (failedForGood)
        {
            Interlocked.Increment(ref tally.Failed);
            metrics.Failed();
        }
        else
        {
            Interlocked.Increment(ref tally.Retrying);
        }
    }

    public void Dispose() => _oneRunAtATime.Dispose();

    private sealed class Tally
    {
        public int Hints;
        public int Fanned;
        public int Dropped;
        public int Attempted;
        public int Delivered;
        public int Retrying;
        public int Failed;
    }
}
