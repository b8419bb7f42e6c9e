using System.Diagnostics;
using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Licensing.Bench.Infrastructure;
using Licensing.Bench.Load;
using Licensing.Bench.Results;
using Licensing.Bench.Scenarios.Soak;
using Licensing.Storage;

namespace Licensing.Bench.Scenarios;

/// <summary>
/// soak: mixed client traffic — floating pairs requesting, heartbeating, validating and releasing, node-locked machines
/// activating, validating and deactivating, many more of them than seats — against a server whose storage, an Azurite
/// of the soak's own on disk, is stopped with SIGINT and started again on the same folder --restarts times. Checked
/// throughout: the seat invariants of every license, sampled while storage is up; every answer a 200 or a 503 with
/// Retry-After, within the request timeout; after every stop and at the end, every seat change answered 200 is in
/// storage; at the end, new grants work on the same server, never restarted.
/// </summary>
public static class SoakScenario
{
    public static async Task<RunResult> RunAsync(BenchOptions options, CancellationToken ct)
    {
        var size = SoakSize.From(options);
        var folder = Directory.CreateTempSubdirectory("licensing-soak-");
        var keep = false;
        try
        {
            await using var azurite = await AzuriteProcess.StartAsync(options.AzuritePort ?? AzuriteProcess.FreePortForRestarts(), ct, folder.FullName)
                .ConfigureAwait(false);
            Progress.Say($"==> soak: Azurite on disk ({folder.FullName}) on 127.0.0.1:{azurite.Port}, pid {azurite.ProcessId}");
            var result = await RunAsync(new BenchContext(options, azurite), size, ct).ConfigureAwait(false);
            keep = result.Metrics["violations"] > 0;
            if (keep)
            {
                result.Notes.Add($"storage kept for inspection in {folder.FullName}");
            }

            return result;
        }
        finally
        {
            if (!keep)
            {
                folder.Delete(recursive: true);
            }
        }
    }

    /// <summary>The soak's Licenses table on an Azurite, read with no retries: a failed read is simply not a sample.</summary>
    public static TableClient LicensesTable(string connectionString, string tablePrefix)
    {
        var options = new TableClientOptions();
        options.Retry.MaxRetries = 0;
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(5);
        return new TableServiceClient(connectionString, options).GetTableClient(TableKeys.LicensesTable(tablePrefix));
    }

    private static async Task<RunResult> RunAsync(BenchContext context, SoakSize size, CancellationToken ct)
    {
        await using var session = await ServerSession.StartAsync(context, size.Clients, ct, outagesExpected: true).ConfigureAwait(false);
        var tally = new SoakTally();
        using var giveUp = new CancellationTokenSource();
        var world = new SoakWorld(session.Api, tally, size, ct, giveUp.Token);
        var clients = await CreateClientsAsync(session, world, size, ct).ConfigureAwait(false);

        var table = LicensesTable(context.Azurite.ConnectionString, session.Server.TablePrefix);
        var outages = new StorageOutages(context.Azurite, session.Server.TablePrefix, tally, size, clients);
        var sampler = new SeatSampler(table, tally, () => outages.StorageUp, size.SampleEvery);
        var expiry = new ExpiryLoop(session.Server, tally, () => outages.StorageUp);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var recorders = clients.Select(_ => new Recorder(new LiveCounters())).ToArray();

        Progress.Say(string.Create(CultureInfo.InvariantCulture,
            $"==> soak: {size.FloatingClients} floating pairs over {size.FloatingLicenses} licenses of {SoakSize.FloatingSeats} seats, "
            + $"{size.ActivationClients} machines over {size.ActivationLicenses} node-locked licenses of {SoakSize.ActivationSeats} seats; "
            + $"{size.Restarts} restarts, each down ≥ {size.Outage.TotalSeconds:0.#} s, {size.UpPeriod.TotalSeconds:0.#} s of traffic around them"));
        var clock = Stopwatch.StartNew();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var traffic = clients.Select((client, i) => Task.Run(() => client.RunAsync(recorders[i], stop.Token), ct)).ToArray();
        var background = new[] { sampler.RunAsync(stop.Token), expiry.RunAsync(size.ExpiryEvery, stop.Token) };
        await using (Progress.Start(() => Line(clock, tally, sampler)))
        {
            try
            {
                await outages.RunAsync(ct).ConfigureAwait(false);
            }
            finally
            {
                await stop.CancelAsync().ConfigureAwait(false);
                giveUp.CancelAfter(size.Drain);
                await Task.WhenAll(traffic.Concat(background)).ConfigureAwait(false);
            }
        }

        clock.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        ct.ThrowIfCancellationRequested();

        // After recovery, on the same server: every record against storage, the invariants, and new grants.
        var final = await StoredState.ReadAsync(table, ct).ConfigureAwait(false);
        sampler.Check(final, "after recovery");
        var records = clients.Select(c => c.Record).ToArray();
        var (verified, uncertain) = final.Verify(records, final.ReadAt, "after recovery", tally);
        var fresh = await FreshGrantsAsync(session, tally, ct).ConfigureAwait(false);

        var endpoints = Recorder.Merge(recorders, clock.Elapsed);
        var operations = endpoints.Sum(e => e.Requests);
        var result = new RunResult
        {
            Scenario = "soak",
            Label = $"soak c={size.Clients}",
            Concurrency = size.Clients,
            Seconds = Math.Round(clock.Elapsed.TotalSeconds, 2),
            Operations = operations,
            OperationsPerSecond = Math.Round(operations / clock.Elapsed.TotalSeconds, 1),
            Endpoints = endpoints,
            Metrics = Metrics(size, tally, sampler, expiry, verified, uncertain, fresh, cpu, clock.Elapsed, context),
            Notes = [.. tally.Violations.Take(20).Select(v => "violation: " + v)],
        };
        if (expiry.FirstFailureWithStorageUp is { } failure)
        {
            result.Notes.Add($"an expiry run failed with storage up (the first of {expiry.FailedWithStorageUp}): {failure}");
        }

        Summarise(result, tally);
        return result;
    }

    private static async Task<SoakClient[]> CreateClientsAsync(ServerSession session, SoakWorld world, SoakSize size, CancellationToken ct)
    {
        var clients = new List<SoakClient>(size.Clients);
        var floating = new (string LicenseId, string UserKey)[size.FloatingLicenses];
        for (var i = 0; i < floating.Length; i++)
        {
            floating[i] = await session.CreateLicenseAsync(2, SoakSize.FloatingSeats, SoakSize.HeartbeatInterval, ct).ConfigureAwait(false);
        }

        var nodeLocked = new (string LicenseId, string UserKey)[size.ActivationLicenses];
        for (var i = 0; i < nodeLocked.Length; i++)
        {
            nodeLocked[i] = await session.CreateLicenseAsync(1, SoakSize.ActivationSeats, null, ct).ConfigureAwait(false);
        }

        for (var i = 0; i < size.FloatingClients; i++)
        {
            var (licenseId, userKey) = floating[i % floating.Length];
            // Two clients per machine: leases are per (machine, client).
            clients.Add(new FloatingClient(world, licenseId, userKey, $"soak-pc-{i / 2:D4}", $"app-{i % 2}"));
        }

        for (var i = 0; i < size.ActivationClients; i++)
        {
            var (licenseId, userKey) = nodeLocked[i % nodeLocked.Length];
            clients.Add(new ActivationClient(world, licenseId, userKey, $"soak-desk-{i:D4}"));
        }

        return [.. clients];
    }

    /// <summary>A new floating license granting, heartbeating and releasing, and a new node-locked one activating.</summary>
    private static async Task<bool> FreshGrantsAsync(ServerSession session, SoakTally tally, CancellationToken ct)
    {
        var api = session.Api;
        var (_, floating) = await session.CreateLicenseAsync(2, 1, SoakSize.HeartbeatInterval, ct).ConfigureAwait(false);
        var request = await api.PostAsync("v1/license/request", ApiClient.Body(("userKey", floating), ("machineId", "fresh-pc"), ("clientId", "app")), ct)
            .ConfigureAwait(false);
        var granted = request.Status == 200 && request.Contains("\"granted\":true"u8);
        var ok = granted;
        if (granted)
        {
            using var json = request.Json();
            var held = ApiClient.Body(("licenseToken", json.RootElement.GetProperty("licenseToken").GetString()), ("machineId", "fresh-pc"));
            var beat = await api.PostAsync("v1/license/heartbeat", held, ct).ConfigureAwait(false);
            var release = await api.PostAsync("v1/license/release", held, ct).ConfigureAwait(false);
            ok = beat.Status == 200 && beat.Contains("\"active\":true"u8) && release.Status == 200;
        }

        var (_, nodeLocked) = await session.CreateLicenseAsync(1, 1, null, ct).ConfigureAwait(false);
        var activate = await api.PostAsync("v1/license/activate", ApiClient.Body(("userKey", nodeLocked), ("machineId", "fresh-desk")), ct).ConfigureAwait(false);
        ok &= activate.Status == 200 && activate.Contains("\"success\":true"u8);
        if (!ok)
        {
            tally.Violation($"after recovery a new license did not grant, heartbeat, release and activate normally (request {request.Status}, activate {activate.Status})");
        }

        return ok;
    }

    private static Dictionary<string, double> Metrics(
        SoakSize size, SoakTally tally, SeatSampler sampler, ExpiryLoop expiry, int verified, int uncertain, bool fresh, TimeSpan cpu, TimeSpan elapsed, BenchContext context)
    {
        var metrics = new Dictionary<string, double>
        {
            ["clients"] = size.Clients,
            ["floatingLicenses"] = size.FloatingLicenses,
            ["floatingSeatsPerLicense"] = SoakSize.FloatingSeats,
            ["activationLicenses"] = size.ActivationLicenses,
            ["activationSeatsPerLicense"] = SoakSize.ActivationSeats,
            ["heartbeatIntervalSeconds"] = SoakSize.HeartbeatInterval.TotalSeconds,
            ["restarts"] = tally.Outages.Count,
        };
        foreach (var outage in tally.Outages)
        {
            var n = outage.Number;
            metrics[$"outage{n}Unavailable503"] = outage.Unavailable;
            metrics[$"outage{n}StopSeconds"] = Math.Round(outage.StopSeconds, 2);
            metrics[$"outage{n}DownSeconds"] = Math.Round(outage.DownSeconds, 2);
            metrics[$"outage{n}CheckpointSeconds"] = Math.Round(outage.CheckpointSeconds, 2);
            metrics[$"outage{n}SecondsToFirst200"] = Math.Round(outage.SecondsToFirst200 ?? -1, 3);
            metrics[$"outage{n}CheckpointVerified"] = outage.CheckpointVerified;
            metrics[$"outage{n}CheckpointUncertain"] = outage.CheckpointUncertain;
        }

        metrics["unavailable503OutsideOutages"] = tally.UnavailableOutsideOutages;
        metrics["invariantSamples"] = sampler.Samples;
        metrics["invariantLicenseChecks"] = sampler.Checks;
        metrics["invariantViolations"] = sampler.Breaches;
        metrics["sampleReadsFailed"] = sampler.FailedReads;
        metrics["grantsVerifiedAfterRecovery"] = verified;
        metrics["recordsUncertainAfterRecovery"] = uncertain;
        metrics["expiryRuns"] = expiry.Runs;
        metrics["expiryRunsFailed"] = expiry.Failed;
        metrics["expiryRunsFailedWithStorageUp"] = expiry.FailedWithStorageUp;
        metrics["leasesEndedByExpiry"] = expiry.Ended;
        metrics["freshGrantsAfterRecovery"] = fresh ? 1 : 0;
        metrics["serverRestarts"] = 0;
        metrics["benchCpuCores"] = Math.Round(cpu / elapsed, 2);
        metrics["azuriteWorkingSetMB"] = Math.Round(context.Azurite.Usage().WorkingSet / 1048576.0, 1);
        metrics["violations"] = tally.ViolationCount;
        return metrics;
    }

    private static void Summarise(RunResult result, SoakTally tally)
    {
        var m = result.Metrics;
        Progress.Say("");
        Progress.Say($"soak: {result.Operations:N0} calls in {result.Seconds:0} s by {m["clients"]} clients");
        foreach (var e in result.Endpoints)
        {
            var outcomes = e.Outcomes.Select(o => $"{o.Key} {o.Value:N0}").Concat(e.Errors.Select(x => $"{x.Key} {x.Value:N0}"));
            Progress.Say($"  {e.Name}: {string.Join(", ", outcomes)}");
        }

        foreach (var outage in tally.Outages)
        {
            Progress.Say(string.Create(CultureInfo.InvariantCulture,
                $"  outage {outage.Number}: {outage.Unavailable:N0} 503s; Azurite exited {outage.StopSeconds:0.00} s after SIGINT, down {outage.DownSeconds:0.0} s (checking the disk {outage.CheckpointSeconds:0.0} s); "
                + $"first 200 {outage.SecondsToFirst200:0.000} s after storage came back; {outage.CheckpointVerified} seat changes found on disk after the stop"));
        }

        Progress.Say($"  503s to calls that met no outage: {m["unavailable503OutsideOutages"]:N0}");
        Progress.Say($"  invariant samples: {m["invariantSamples"]:N0} taken ({m["invariantLicenseChecks"]:N0} license checks), {m["invariantViolations"]:N0} violated");
        Progress.Say($"  after recovery: {m["grantsVerifiedAfterRecovery"]:N0} answered seat changes verified in storage, {m["recordsUncertainAfterRecovery"]:N0} unchecked; new grants {(m["freshGrantsAfterRecovery"] > 0 ? "work" : "FAIL")}; server restarts 0");
        Progress.Say($"  violations: {tally.ViolationCount:N0}");
    }

    private static string Line(Stopwatch clock, SoakTally tally, SeatSampler sampler) => string.Create(CultureInfo.InvariantCulture,
        $"  [soak] {clock.Elapsed.TotalSeconds,6:0.0}s  samples {sampler.Samples:N0}  503s {tally.Outages.Sum(o => o.Unavailable) + tally.UnavailableOutsideOutages:N0}  violations {tally.ViolationCount:N0}");
}
