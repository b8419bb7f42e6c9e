namespace Licensing.Seats;

/// <summary>
/// Group commit per license on this instance. Concurrent seat calls of one license (request, activate, release,
/// deactivate) wait in one queue, in arrival order;
/// one leader at a time takes everything waiting and decides it: a call alone straight against storage, exactly as it
/// costs without a queue (<see cref="StoredSeatSession"/>); several together as one <see cref="SeatBatch"/> (one read
/// of the license row, their changes in as few transactions as the action limit allows). Another instance is kept out
/// by the license row's ETag: a round that loses to it leaves its undecided members at the head of the queue, and the
/// next round reads again and decides them again. A member loses its place only when storage itself fails, or after
/// <see cref="MaxLostRounds"/> lost races (an honest 503, never reached by contention between instances in practice).
/// </summary>
public sealed class SeatGroupCommit(SeatStore store, ExpiryIndex expiryIndex)
{
    /// <summary>Rounds a member may lose to other instances before it is answered 503: with their pauses, tens of seconds.</summary>
    public const int MaxLostRounds = 2000;

    /// <summary>The most members one round decides (the rest wait for the next): bounds one round's parallel reads.</summary>
    private const int MaxRoundSize = 1000;

    private readonly object _gate = new();
    private readonly Dictionary<string, List<Member>> _waiting = new(StringComparer.Ordinal);

    /// <summary>
    /// Decides a seat call of <paramref name="licenseId"/> on <paramref name="seatRow"/> in its turn. <paramref name="decide"/>
    /// reads and writes through the session it is handed, and returns null when it lost a race (it runs again).
    /// </summary>
    public async Task<T> DecideAsync<T>(string licenseId, string seatRow, Func<ISeatSession, CancellationToken, Task<T?>> decide, CancellationToken ct)
        where T : class =>
        (T)await Enqueue(licenseId, seatRow, async (session, token) => await decide(session, token).ConfigureAwait(false), ct).ConfigureAwait(false);

    private Task<object> Enqueue(string licenseId, string seatRow, Func<ISeatSession, CancellationToken, Task<object?>> decide, CancellationToken ct)
    {
        var member = new Member(seatRow, decide, ct);
        bool lead;
        lock (_gate)
        {
            lead = !_waiting.TryGetValue(licenseId, out var queue);
            if (lead)
            {
                _waiting[licenseId] = queue = [];
            }

            queue!.Add(member);
        }

        if (lead)
        {
            _ = Task.Run(() => LeadAsync(licenseId), CancellationToken.None);
        }

        return member.Answer.Task;
    }

    /// <summary>Rounds until nobody waits; the queue exists exactly while a leader runs it.</summary>
    private async Task LeadAsync(string licenseId)
    {
        try
        {
            await RoundsAsync(licenseId).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Never leave callers waiting on a queue nobody leads: whoever waits is answered with the failure.
            lock (_gate)
            {
                _waiting.Remove(licenseId, out var queue);
                queue?.ForEach(m => m.Fail(ex));
            }
        }
    }

    private async Task RoundsAsync(string licenseId)
    {
        while (true)
        {
            Member[] round;
            lock (_gate)
            {
                var queue = _waiting[licenseId];
                queue.RemoveAll(m => m.Answer.Task.IsCompleted);
                if (queue.Count == 0)
                {
                    _waiting.Remove(licenseId);
                    return;
                }

                round = queue.Take(MaxRoundSize).ToArray();
            }

            var lost = round.Length == 1 ? await AloneAsync(round[0]).ConfigureAwait(false) : await TogetherAsync(licenseId, round).ConfigureAwait(false);
            if (lost)
            {
                await Task.Delay(Random.Shared.Next(1, 20), CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>One member, straight against storage. True when it lost a race.</summary>
    private async Task<bool> AloneAsync(Member member)
    {
        try
        {
            if (await member.Decide(new StoredSeatSession(store, expiryIndex), member.Cancel).ConfigureAwait(false) is { } decision)
            {
                member.Answer.TrySetResult(decision);
                return false;
            }

            member.LostRound();
            return true;
        }
        catch (Exception ex)
        {
            member.Fail(ex);
            return false;
        }
    }

    /// <summary>Several members as one batch. True when the batch lost a race to another instance.</summary>
    private async Task<bool> TogetherAsync(string licenseId, Member[] round)
    {
        SeatBatch batch;
        try
        {
            batch = await SeatBatch.ReadAsync(store, expiryIndex, licenseId, round.Select(m => m.SeatRow).Distinct(StringComparer.Ordinal).ToArray(), CancellationToken.None)
                .ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Array.ForEach(round, m => m.Fail(ex));
            return false;
        }

        var decided = new List<(Member Member, object Decision, int After)>(round.Length);
        foreach (var member in round)
        {
            if (member.Cancel.IsCancellationRequested)
            {
                member.Answer.TrySetCanceled(member.Cancel);
                continue;
            }

            if (batch.Wrote(member.SeatRow))
            {
                break;
            }

            try
            {
                if (await member.Decide(batch, member.Cancel).ConfigureAwait(false) is not { } decision)
                {
                    break;
                }

                decided.Add((member, decision, batch.Staged));
            }
            catch (NextRoundException)
            {
                break;
            }
            catch (Exception ex)
            {
                member.Fail(ex);
                break;
            }
        }

        int committed;
        try
        {
            committed = await batch.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            decided.ForEach(d => d.Member.Fail(ex));
            return false;
        }

        var lost = false;
        foreach (var (member, decision, after) in decided)
        {
            if (after <= committed)
            {
                member.Answer.TrySetResult(decision);
            }
            else
            {
                member.LostRound();
                lost = true;
            }
        }

        return lost;
    }

    private sealed class Member(string seatRow, Func<ISeatSession, CancellationToken, Task<object?>> decide, CancellationToken cancel)
    {
        private int _lostRounds;

        public string SeatRow { get; } = seatRow;

        public Func<ISeatSession, CancellationToken, Task<object?>> Decide { get; } = decide;

        public CancellationToken Cancel { get; } = cancel;

        public TaskCompletionSource<object> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Fail(Exception ex)
        {
            if (ex is OperationCanceledException && Cancel.IsCancellationRequested)
            {
                Answer.TrySetCanceled(Cancel);
            }
            else
            {
                Answer.TrySetException(ex);
            }
        }

        /// <summary>Lost a race to another writer: decided again next round, until it has lost too many.</summary>
        public void LostRound()
        {
            if (++_lostRounds >= MaxLostRounds)
            {
                Answer.TrySetException(new ContentionException());
            }
        }
    }
}
