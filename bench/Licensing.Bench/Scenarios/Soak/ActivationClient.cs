using Licensing.Bench.Load;
using Licensing.Domain;

namespace Licensing.Bench.Scenarios.Soak;

/// <summary>A machine on a node-locked license: activate; validate a few times; deactivate. Denied, it tries again soon.</summary>
public sealed class ActivationClient(SoakWorld world, string licenseId, string userKey, string machineId)
    : SoakClient(world, $"node-locked {machineId}", licenseId, userKey, machineId, Storage.TableKeys.ActivationRow(machineId))
{
    private readonly byte[] _machine = ApiClient.Body(("userKey", userKey), ("machineId", machineId), ("clientName", "Soak desk"));

    public override async Task RunAsync(Recorder recorder, CancellationToken trafficOver)
    {
        var size = World.Size;
        while (!trafficOver.IsCancellationRequested)
        {
            if (!await ActivateAsync(recorder).ConfigureAwait(false))
            {
                await PauseAsync(size.DeniedMs, trafficOver).ConfigureAwait(false);
                continue;
            }

            var validates = Random.Shared.Next(1, 5);
            var held = true;
            for (var i = 0; i < validates && held && !trafficOver.IsCancellationRequested; i++)
            {
                await PauseAsync(size.ThinkMs, trafficOver).ConfigureAwait(false);
                held = trafficOver.IsCancellationRequested || await ValidateAsync(recorder).ConfigureAwait(false);
            }

            if (!held || trafficOver.IsCancellationRequested)
            {
                continue; // the traffic is over: an activation stays for the final check
            }

            using var deactivated = await CallAsync("deactivate", _machine, recorder, changesToken: true).ConfigureAwait(false);
            if (deactivated is not null)
            {
                Set(Record with { Holding = Holding.Deactivated, Pending = false });
            }

            await PauseAsync(size.ThinkMs, trafficOver).ConfigureAwait(false);
        }
    }

    private async Task<bool> ActivateAsync(Recorder recorder)
    {
        using var answer = await CallAsync("activate", _machine, recorder, changesToken: true).ConfigureAwait(false);
        if (answer is null)
        {
            return false;
        }

        if (Flag(answer.Root, "success"))
        {
            var (_, tokenId, expireAt) = Grant(answer.Root);
            Set(Record with { Holding = Holding.Held, TokenId = tokenId, ExpireAt = expireAt, Pending = false });
            return true;
        }

        var reason = Reason(answer.Root);
        if (reason != Reasons.SeatsExhausted)
        {
            World.Tally.Violation($"activate of {Record.Who} was denied: {reason}");
        }

        Set(Record with { Pending = false });
        return false;
    }

    /// <summary>Validate renews the activation token: true while the activation holds.</summary>
    private async Task<bool> ValidateAsync(Recorder recorder)
    {
        using var answer = await CallAsync("validate", _machine, recorder, changesToken: false).ConfigureAwait(false);
        if (answer is null)
        {
            return false;
        }

        if (Flag(answer.Root, "success"))
        {
            Set(Record with { ExpireAt = ExpireAt(answer.Root) });
            return true;
        }

        // An activation never lapses on its own: any denial of a held one means storage lost it.
        World.Tally.Violation($"validate of {Record.Who} holding {Record.TokenId} was denied: {Reason(answer.Root)}");
        Set(Record with { Holding = Holding.Unknown });
        return false;
    }
}
