using System.Diagnostics;
using System.Globalization;
using Licensing.Bench.Infrastructure;
using Licensing.Bench.Load;

namespace Licensing.Bench.Scenarios.Soak;

/// <summary>
/// Stops storage (SIGINT, then waits for Azurite to exit) and starts it again on the same folder and port, as many
/// times as asked, after equal periods of traffic with storage up. While it is down, a second Azurite opened on the
/// same folder checks that the stored state holds every seat change answered 200 before the stop; it then stays
/// down for at least --outage and until a client has met a 503, and after the restart the next period starts with
/// the first 200.
/// </summary>
public sealed class StorageOutages(AzuriteProcess azurite, string tablePrefix, SoakTally tally, SoakSize size, IReadOnlyList<SoakClient> clients)
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan UnavailableTimeout = TimeSpan.FromSeconds(30);
    private volatile bool _up = true;

    public bool StorageUp => _up;

    /// <summary>Runs the outages; returns once the traffic after the last one has had its period.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        for (var number = 1; number <= size.Restarts; number++)
        {
            await Task.Delay(size.UpPeriod, ct).ConfigureAwait(false);
            await OutageAsync(number, ct).ConfigureAwait(false);
        }

        await Task.Delay(size.UpPeriod, ct).ConfigureAwait(false);
    }

    private async Task OutageAsync(int number, CancellationToken ct)
    {
        var outage = tally.BeginOutage(number);
        _up = false;
        Progress.Say($"==> outage {number}: stopping Azurite (SIGINT, pid {azurite.ProcessId})");
        var clock = Stopwatch.StartNew();
        if (!await azurite.StopAsync(StopTimeout).ConfigureAwait(false))
        {
            tally.Violation($"outage {number}: Azurite did not exit within {StopTimeout.TotalSeconds:0} s of SIGINT and was killed");
        }

        outage.StopSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();

        // Azurite has exited: nothing more can be written, so every record without a call under way is final until the restart.
        var stoppedAt = DateTimeOffset.UtcNow;
        var records = clients.Select(c => c.Record).ToArray();
        await CheckpointAsync(outage, records, stoppedAt, ct).ConfigureAwait(false);
        outage.CheckpointSeconds = clock.Elapsed.TotalSeconds;

        if (clock.Elapsed < size.Outage)
        {
            await Task.Delay(size.Outage - clock.Elapsed, ct).ConfigureAwait(false);
        }

        if (await Task.WhenAny(outage.SawUnavailable, Task.Delay(UnavailableTimeout, ct)).ConfigureAwait(false) != outage.SawUnavailable)
        {
            ct.ThrowIfCancellationRequested();
            Progress.Say($"    outage {number}: no client met a 503 within {UnavailableTimeout.TotalSeconds:0} s");
        }

        await azurite.RestartAsync(ct).ConfigureAwait(false);
        outage.DownSeconds = clock.Elapsed.TotalSeconds;
        outage.StorageBack();
        _up = true;
        Progress.Say(string.Create(CultureInfo.InvariantCulture,
            $"    outage {number}: Azurite back (pid {azurite.ProcessId}) after {outage.DownSeconds:0.0} s down; {outage.Unavailable:N0} 503s so far"));

        if (await Task.WhenAny(outage.FirstAnswer, Task.Delay(size.FirstAnswerTimeout, ct)).ConfigureAwait(false) != outage.FirstAnswer)
        {
            ct.ThrowIfCancellationRequested();
            tally.Violation($"outage {number}: no client got a 200 within {size.FirstAnswerTimeout.TotalSeconds:0} s of storage coming back");
        }

        tally.EndOutage();
        Progress.Say(string.Create(CultureInfo.InvariantCulture,
            $"    outage {number}: first 200 {outage.SecondsToFirst200:0.00} s after storage came back; {outage.Unavailable:N0} 503s in all"));
    }

    /// <summary>Opens the stopped storage's folder with an Azurite of its own on another port and checks the records against it.</summary>
    private async Task CheckpointAsync(Outage outage, SeatRecord[] records, DateTimeOffset stoppedAt, CancellationToken ct)
    {
        await using var reader = await AzuriteProcess.StartAsync(null, ct, azurite.Location).ConfigureAwait(false);
        var state = await StoredState.ReadAsync(SoakScenario.LicensesTable(reader.ConnectionString, tablePrefix), ct).ConfigureAwait(false);
        var when = $"after stop {outage.Number}";
        (outage.CheckpointVerified, outage.CheckpointUncertain) = state.Verify(records, stoppedAt, when, tally);
        foreach (var breach in state.Breaches())
        {
            tally.Violation($"{when}: {breach}");
        }

        if (!await reader.StopAsync(StopTimeout).ConfigureAwait(false))
        {
            tally.Violation($"{when}: the checking Azurite did not exit within {StopTimeout.TotalSeconds:0} s of SIGINT and was killed");
        }

        Progress.Say($"    outage {outage.Number}: {outage.CheckpointVerified} answered seat changes found on disk, {outage.CheckpointUncertain} clients with a call under way");
    }
}
