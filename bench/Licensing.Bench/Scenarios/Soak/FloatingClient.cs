using Licensing.Bench.Load;
using Licensing.Domain;

namespace Licensing.Bench.Scenarios.Soak;

/// <summary>
/// A (machine, client) pair on a floating license: request a seat; keep it with heartbeats, now and then a validate
/// or a repeated request; then release it, or now and then walk away and let it lapse. Denied, it tries again soon.
/// </summary>
public sealed class FloatingClient(SoakWorld world, string licenseId, string userKey, string machineId, string clientId)
    : SoakClient(world, $"floating {machineId}/{clientId}", licenseId, userKey, machineId, Storage.TableKeys.LeaseRow(machineId, clientId))
{
    private readonly byte[] _request = ApiClient.Body(("userKey", userKey), ("machineId", machineId), ("clientId", clientId), ("clientName", "Soak client"));
    private readonly byte[] _validate = ApiClient.Body(("userKey", userKey), ("machineId", machineId), ("clientId", clientId));

    public override async Task RunAsync(Recorder recorder, CancellationToken trafficOver)
    {
        var size = World.Size;
        while (!trafficOver.IsCancellationRequested)
        {
            var token = await RequestAsync(recorder).ConfigureAwait(false);
            if (token is null)
            {
                await PauseAsync(size.DeniedMs, trafficOver).ConfigureAwait(false);
                continue;
            }

            var held = await KeepAsync(token, recorder, trafficOver).ConfigureAwait(false);
            if (held is null || trafficOver.IsCancellationRequested)
            {
                continue; // lost, or the traffic is over: a held seat stays held for the final check
            }

            if (Random.Shared.NextDouble() < size.AbandonShare)
            {
                await PauseAsync(SoakSize.HeartbeatInterval * 2.25, trafficOver).ConfigureAwait(false);
                continue;
            }

            using var released = await CallAsync("release", Held(held), recorder, changesToken: true).ConfigureAwait(false);
            if (released is not null)
            {
                Set(Record with { Holding = Holding.Released, Pending = false });
            }

            await PauseAsync(size.ThinkMs, trafficOver).ConfigureAwait(false);
        }
    }

    /// <summary>The token granted, or null when denied.</summary>
    private async Task<string?> RequestAsync(Recorder recorder)
    {
        using var answer = await CallAsync("request", _request, recorder, changesToken: true).ConfigureAwait(false);
        if (answer is null)
        {
            return null;
        }

        if (Flag(answer.Root, "granted"))
        {
            var (token, tokenId, expireAt) = Grant(answer.Root);
            Set(Record with { Holding = Holding.Held, TokenId = tokenId, ExpireAt = expireAt, Pending = false });
            return token;
        }

        var reason = Reason(answer.Root);
        if (reason != Reasons.SeatsExhausted)
        {
            World.Tally.Violation($"request of {Record.Who} was denied: {reason}");
        }

        // A denial changes nothing, unless an unanswered attempt before it granted a lease that has lapsed since.
        Set(answer.Retried ? Record with { Holding = Holding.None, Pending = false } : Record with { Pending = false });
        return null;
    }

    /// <summary>A few rounds of heartbeat (or validate, or a repeated request): the token still held, or null once lost.</summary>
    private async Task<string?> KeepAsync(string token, Recorder recorder, CancellationToken stop)
    {
        var size = World.Size;
        var rounds = Random.Shared.Next(2, 7);
        for (var round = 0; round < rounds && !stop.IsCancellationRequested; round++)
        {
            await PauseAsync(size.ThinkMs, stop).ConfigureAwait(false);
            if (stop.IsCancellationRequested)
            {
                break;
            }

            var roll = Random.Shared.NextDouble();
            if (roll < size.RepeatRequestShare)
            {
                // The same pair asking again: the same lease renewed (or, had it lapsed, a new one).
                if (await RequestAsync(recorder).ConfigureAwait(false) is not { } renewed)
                {
                    return null;
                }

                token = renewed;
            }
            else if (roll < size.RepeatRequestShare + size.ValidateShare)
            {
                using var answer = await CallAsync("validate", _validate, recorder, changesToken: false).ConfigureAwait(false);
                if (answer is null || Flag(answer.Root, "success"))
                {
                    continue;
                }

                var reason = Reason(answer.Root);
                if (reason == Reasons.TokenNotFound)
                {
                    CheckLapse("validate", reason, answer);
                    Set(Record with { Holding = Holding.Lapsed });
                }
                else
                {
                    World.Tally.Violation($"validate of {Record.Who} holding {Record.TokenId} was denied: {reason}");
                    Set(Record with { Holding = Holding.Unknown });
                }

                return null;
            }
            else
            {
                using var answer = await CallAsync("heartbeat", Held(token), recorder, changesToken: false).ConfigureAwait(false);
                if (answer is null)
                {
                    return null;
                }

                if (Flag(answer.Root, "active"))
                {
                    Set(Record with { ExpireAt = ExpireAt(answer.Root) });
                    continue;
                }

                var reason = Reason(answer.Root);
                if (IsLapse(reason))
                {
                    CheckLapse("heartbeat", reason, answer);
                    Set(Record with { Holding = Holding.Lapsed });
                }
                else
                {
                    World.Tally.Violation($"heartbeat of {Record.Who} holding {Record.TokenId} said {reason}");
                    Set(Record with { Holding = Holding.Unknown });
                }

                return null;
            }
        }

        return token;
    }

    private byte[] Held(string token) => ApiClient.Body(("licenseToken", token), ("machineId", MachineId));
}
