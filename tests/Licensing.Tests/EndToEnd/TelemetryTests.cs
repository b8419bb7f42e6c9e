using System.Diagnostics.Metrics;
using Licensing.Backup;
using Licensing.Expiry;
using Licensing.LocalHost;
using Licensing.Storage;
using Licensing.Telemetry;
using Licensing.Tests.Support;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using M = Licensing.Telemetry.LicensingMetrics;

namespace Licensing.Tests.EndToEnd;

/// <summary>The app's meter counts what the local host serves over real HTTP, read in-process by a MeterListener.</summary>
public sealed class TelemetryTests
{
    [Fact]
    public async Task Calls_denials_and_seats_granted_and_ended_are_counted_by_endpoint_outcome_reason_and_cause()
    {
        await using var server = await ServerFixture.StartAsync(_ => { });
        using var meter = new MeterRecorder(server.Services.GetRequiredService<IMeterFactory>());
        var license = await server.CreateLicenseAsync(mode: 2, seats: 1);

        var token = (await server.CallAsync("v1/license/request", new { license.UserKey, machineId = "m1" })).RootElement.GetProperty("licenseToken").GetString()!;
        await server.CallAsync("v1/license/request", new { license.UserKey, machineId = "m2" });
        await server.CallAsync("v1/license/heartbeat", new { licenseToken = token, machineId = "m1" });
        await server.CallAsync("v1/license/release", new { licenseToken = token, machineId = "m1" });
        await server.CallAsync("v1/license/heartbeat", new { licenseToken = token, machineId = "m1" });
        using (await server.PostAsync("v1/license/info", new { license.UserKey, machineId = "m1" }, apiKey: "lk_wrong"))
        {
        }

        Assert.Equal(1, meter.Sum(M.Calls, ("endpoint", "admin.licenses.create"), ("outcome", "ok"), ("status", "201")));
        Assert.Equal(1, meter.Sum(M.Calls, ("endpoint", "request"), ("outcome", "ok"), ("status", "200")));
        Assert.Equal(1, meter.Sum(M.Calls, ("endpoint", "request"), ("outcome", "denied"), ("status", "200")));
        Assert.Equal(1, meter.Sum(M.Calls, ("endpoint", "heartbeat"), ("outcome", "ok")));
        Assert.Equal(1, meter.Sum(M.Calls, ("endpoint", "release"), ("outcome", "ok")));
        Assert.Equal(1, meter.Sum(M.Calls, ("endpoint", "heartbeat"), ("outcome", "denied"), ("status", "200")));
        Assert.Equal(1, meter.Sum(M.Calls, ("endpoint", "info"), ("outcome", "unauthorized"), ("status", "401")));
        Assert.Equal(7, meter.Sum(M.Calls));
        Assert.Equal(7, meter.Count(M.CallDuration));
        Assert.Equal(1, meter.Sum(M.Denials, ("endpoint", "request"), ("reason", "seats_exhausted")));
        Assert.Equal(1, meter.Sum(M.Denials, ("endpoint", "heartbeat"), ("reason", "token_released")));
        Assert.Equal(1, meter.Sum(M.Denials, ("endpoint", "info"), ("reason", "unauthorized")));
        Assert.Equal(3, meter.Sum(M.Denials));
        Assert.Equal(1, meter.Sum(M.SeatsGranted, ("cause", "leased")));
        Assert.Equal(1, meter.Sum(M.SeatsEnded, ("cause", "released")));
        Assert.Equal(1, meter.Sum(M.SeatsGranted));
        Assert.Equal(1, meter.Sum(M.SeatsEnded));
    }

    [Fact]
    public async Task Activations_deactivations_lapses_and_revocations_are_counted_by_cause()
    {
        await using var server = await ServerFixture.StartAsync(_ => { });
        using var meter = new MeterRecorder(server.Services.GetRequiredService<IMeterFactory>());
        var node = await server.CreateLicenseAsync(mode: 1, seats: 2);
        var floating = await server.CreateLicenseAsync(mode: 2, seats: 2, heartbeatSeconds: 5);

        await server.CallAsync("v1/license/activate", new { node.UserKey, machineId = "m1" });
        await server.CallAsync("v1/license/deactivate", new { node.UserKey, machineId = "m1" });
        var revoked = (await server.CallAsync("v1/license/request", new { floating.UserKey, machineId = "m1" })).RootElement.GetProperty("licenseToken").GetString()!;
        await server.CallAsync("v1/license/request", new { floating.UserKey, machineId = "m2" });
        await server.AdminPostAsync($"v1/admin/licenses/{floating.LicenseId}/tokens/revoke", new { licenseToken = revoked });
        server.Clock.Advance(TimeSpan.FromSeconds(30));
        await server.RunExpiryTimerAsync();

        Assert.Equal(1, meter.Sum(M.SeatsGranted, ("cause", "activated")));
        Assert.Equal(2, meter.Sum(M.SeatsGranted, ("cause", "leased")));
        Assert.Equal(1, meter.Sum(M.SeatsEnded, ("cause", "deactivated")));
        Assert.Equal(1, meter.Sum(M.SeatsEnded, ("cause", "revoked")));
        Assert.Equal(1, meter.Sum(M.SeatsEnded, ("cause", "lapsed")));
        Assert.Equal(3, meter.Sum(M.SeatsEnded));
    }

    [Fact]
    public async Task Every_storage_request_is_counted_and_a_storage_outage_counts_its_503s()
    {
        var faults = new StorageFaults(seed: 1, rate: 1, StorageFault.Busy503);
        await using var server = await ServerFixture.StartAsync(_ => { }, configure: b => b.Services.Configure<TablePipelineOptions>(o => o.PerRetryPolicies.Add(faults)));
        using var meter = new MeterRecorder(server.Services.GetRequiredService<IMeterFactory>());
        var license = await server.CreateLicenseAsync(mode: 2, seats: 1);
        server.StorageRequests.Reset();
        meter.Clear();

        await server.CallAsync("v1/license/request", new { license.UserKey, machineId = "m1" });
        var served = meter.Sum(M.StorageRequests);
        Assert.Equal(server.StorageRequests.Count, (int)served);
        faults.Start();
        using var refused = await server.PostAsync("v1/license/info", new { license.UserKey, machineId = "m1" });
        faults.Stop();

        Assert.Equal(503, (int)refused.StatusCode);
        Assert.Equal(faults.Injected(StorageFault.Busy503), (int)meter.Sum(M.StorageRequests, ("status", "503")));
        Assert.Equal(1, meter.Sum(M.StorageUnavailable, ("endpoint", "info")));
        Assert.Equal(1, meter.Sum(M.StorageUnavailable));
        Assert.Equal(1, meter.Sum(M.Calls, ("endpoint", "info"), ("outcome", "unavailable"), ("status", "503")));
    }

    [Fact]
    public async Task Each_run_of_the_expiry_timer_function_is_counted_with_its_result_and_duration()
    {
        await using var server = await ServerFixture.StartAsync(_ => { });
        using var meter = new MeterRecorder(server.Services.GetRequiredService<IMeterFactory>());

        await RunTimerFunctionAsync(server);
        await RunTimerFunctionAsync(server);

        Assert.Equal(2, meter.Sum(M.ExpiryRuns, ("result", "complete")));
        Assert.Equal(2, meter.Sum(M.ExpiryRuns));
        Assert.Equal(2, meter.Count(M.ExpiryDuration, ("result", "complete")));
    }

    [Fact]
    public async Task Each_run_of_the_backup_timer_function_is_counted_with_its_result_and_the_rows_it_wrote()
    {
        await using var server = await ServerFixture.StartAsync(s => s["Licensing:BackupContainer"] = "backups-" + Guid.NewGuid().ToString("N")[..12]);
        await server.CreateLicenseAsync(mode: 1, seats: 1);
        var rows = (await TableSnapshot.TakeAsync(server.Tables.All)).Count;
        using var meter = new MeterRecorder(server.Services.GetRequiredService<IMeterFactory>());

        await RunTimerFunctionAsync<BackupTables>(server);

        Assert.Equal(1, meter.Sum(M.BackupRuns, ("result", "complete")));
        Assert.Equal(1, meter.Sum(M.BackupRuns));
        Assert.Equal(rows, meter.Sum(M.BackupRows));
    }

    private static Task<object?> RunTimerFunctionAsync(ServerFixture server) => RunTimerFunctionAsync<ExpireLapsedTokens>(server);

    /// <summary>A timer function itself, invoked the way the local host's timer service invokes it.</summary>
    private static Task<object?> RunTimerFunctionAsync<TFunction>(ServerFixture server) =>
        FunctionInvoker.InvokeAsync(
            typeof(TFunction),
            typeof(TFunction).GetMethod("Run")!,
            [new TimerInfo(), CancellationToken.None],
            server.Services);
}
