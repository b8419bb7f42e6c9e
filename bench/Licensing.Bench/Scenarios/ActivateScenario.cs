using System.Collections.Concurrent;
using System.Diagnostics;
using Licensing.Bench.Load;
using Licensing.Bench.Results;

namespace Licensing.Bench.Scenarios;

/// <summary>
/// activate: first a storm — --machines new machines activating at once over --activation-licenses licenses that
/// hold 90 % of them, so the last ones are denied — then a validate-heavy mix over the activated machines:
/// validate (--validate-share), a repeated activate, or a deactivate followed by a fresh activate.
/// </summary>
public static class ActivateScenario
{
    public static async Task<IReadOnlyList<RunResult>> RunAsync(BenchContext context, int concurrency, CancellationToken ct)
    {
        var options = context.Options;
        await using var session = await ServerSession.StartAsync(context, concurrency, ct).ConfigureAwait(false);
        var count = options.ActivationLicenses;
        var seats = Math.Max(1, options.Machines * 9 / 10 / count);
        var licenses = new string[count];
        for (var i = 0; i < count; i++)
        {
            licenses[i] = (await session.CreateLicenseAsync(1, seats, null, ct).ConfigureAwait(false)).UserKey;
        }

        await session.WarmUpAsync(licenses[0], ct).ConfigureAwait(false);
        var api = session.Api;
        var activated = new ConcurrentBag<byte[]>();
        var nextMachine = -1;
        var stormLimit = new RunLimit(options.Duration, options.Machines);
        var storm = await context.MeasureAsync("activate-storm", concurrency, async (_, recorder, token) =>
        {
            var i = Interlocked.Increment(ref nextMachine);
            var body = ApiClient.Body(("userKey", licenses[i % count]), ("machineId", $"pc-{i:D6}"), ("clientName", "Bench desk"));
            var start = Stopwatch.GetTimestamp();
            var answer = await api.PostAsync("v1/license/activate", body, token).ConfigureAwait(false);
            var success = answer.Status == 200 && answer.Contains("\"success\":true"u8);
            recorder.Record("activate", start, answer.Status, success ? "activated" : "denied:" + (answer.Reason() ?? "none"));
            if (success)
            {
                activated.Add(body);
            }
        }, ct, new Dictionary<string, double> { ["machines"] = options.Machines, ["licenses"] = count, ["seatsPerLicense"] = seats }, stormLimit).ConfigureAwait(false);

        var machines = activated.ToArray();
        if (machines.Length == 0)
        {
            storm.Notes.Add("no machine was activated: the mix did not run");
            return [storm];
        }

        var validateShare = options.ValidateShare;
        var mix = await context.MeasureAsync("activate-mix", concurrency, async (_, recorder, token) =>
        {
            var body = machines[Random.Shared.Next(machines.Length)];
            var roll = Random.Shared.NextDouble();
            if (roll < validateShare)
            {
                await CallAsync(api, recorder, "validate", body, token).ConfigureAwait(false);
            }
            else if (roll < validateShare + (1 - validateShare) / 2)
            {
                await CallAsync(api, recorder, "activate", body, token).ConfigureAwait(false);
            }
            else
            {
                await CallAsync(api, recorder, "deactivate", body, token).ConfigureAwait(false);
                await CallAsync(api, recorder, "activate", body, token).ConfigureAwait(false);
            }
        }, ct, new Dictionary<string, double> { ["activatedMachines"] = machines.Length, ["validateShare"] = validateShare }).ConfigureAwait(false);
        return [storm, mix];
    }

    private static async Task CallAsync(ApiClient api, Recorder recorder, string call, byte[] body, CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        var answer = await api.PostAsync("v1/license/" + call, body, ct).ConfigureAwait(false);
        var outcome = call == "deactivate"
            ? null
            : answer.Status == 200 && answer.Contains("\"success\":true"u8) ? "success" : "denied:" + (answer.Reason() ?? "none");
        recorder.Record(call, start, answer.Status, outcome);
    }
}
