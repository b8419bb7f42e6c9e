using Azure;
using Azure.Data.Tables;
using Licensing.Expiry;
using Licensing.Settings;
using Licensing.Storage;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Licensing.Tests.EndToEnd;

/// <summary>
/// The expiry timer's checkpoint: the first hour of the expiry index that may still hold entries. A run reads from
/// it to now and advances it past the hours it finished, so a run cut short (by its cap or by storage) leaves the
/// rest to the next run, and two runs at once end each lease once. Each test has its own server, tables and clock,
/// and the timer has run once since the server started, as it does every minute, so the checkpoint is this hour.
/// </summary>
public sealed class ExpiryCheckpointTests(ITestOutputHelper output)
{
    private const int Floating = 2;
    private const int HeartbeatSeconds = 5;

    [Fact]
    public async Task A_run_capped_by_its_maximum_stops_at_the_hour_it_did_not_finish_and_the_next_run_resumes_there()
    {
        await using var server = await StartAsync(settings => settings[SettingNames.ExpiryMaxEntriesPerRun] = "3");
        var early = await LapsingLeasesAsync(server, count: 2);
        server.Clock.Advance(TimeSpan.FromHours(1));
        var late = await LapsingLeasesAsync(server, count: 3);
        server.Clock.Advance(TimeSpan.FromHours(1));

        var capped = await server.RunExpiryTimerAsync();
        var afterCapped = await CheckpointAsync(server);
        var resumed = await server.RunExpiryTimerAsync();
        var afterResumed = await CheckpointAsync(server);

        Assert.Equal(new ExpiryRun(Examined: 3, Lapsed: 3, Moved: 0, Purged: 0, Stale: 0, Complete: false), capped);
        Assert.Equal(HourOf(late.DueAt), afterCapped.NextHour);
        Assert.Equal(new ExpiryRun(Examined: 2, Lapsed: 2, Moved: 0, Purged: 0, Stale: 0, Complete: true), resumed);
        Assert.Equal(HourOf(server.Clock.GetUtcNow()), afterResumed.NextHour);
        Assert.Equal(early.DueAt + TimeSpan.FromHours(1), late.DueAt);
        await AssertEndedOnceAsync(server, early);
        await AssertEndedOnceAsync(server, late);
    }

    [Fact]
    public async Task A_run_that_throws_leaves_the_checkpoint_as_it_was_and_the_next_run_ends_what_it_left()
    {
        string? failing = null;
        var faults = new StorageFaults(seed: 1, rate: 1, StorageFault.Busy503)
        {
            Targets = request => failing is not null && Uri.UnescapeDataString(request.Uri.ToString()).Contains(failing, StringComparison.Ordinal),
        };
        await using var server = await StartAsync(_ => { }, builder =>
        {
            builder.Services.Configure<TablePipelineOptions>(o => o.PerRetryPolicies.Add(faults));
            builder.Logging.SetMinimumLevel(LogLevel.Error);
        });
        var reached = await LapsingLeasesAsync(server, count: 2);
        server.Clock.Advance(TimeSpan.FromHours(1));
        var unreachable = await LapsingLeasesAsync(server, count: 2);
        server.Clock.Advance(TimeSpan.FromHours(1));
        var before = await CheckpointAsync(server);
        Assert.Equal(reached.DueAt + TimeSpan.FromHours(1), unreachable.DueAt);

        failing = unreachable.License.LicenseId;
        faults.Start();
        var thrown = await Assert.ThrowsAsync<RequestFailedException>(() => server.RunExpiryTimerAsync());
        faults.Stop();
        var afterThrow = await CheckpointAsync(server);
        var next = await server.RunExpiryTimerAsync();

        Assert.Equal(503, thrown.Status);
        // Its seat row, read before its license row, refused on the first try and the SDK's two retries.
        Assert.Equal(3, faults.Injected(StorageFault.Busy503));
        Assert.Equal(before, afterThrow);
        Assert.Equal(new ExpiryRun(Examined: 2, Lapsed: 2, Moved: 0, Purged: 0, Stale: 0, Complete: true), next);
        Assert.Equal(HourOf(server.Clock.GetUtcNow()), (await CheckpointAsync(server)).NextHour);
        await AssertEndedOnceAsync(server, reached);
        await AssertEndedOnceAsync(server, unreachable);
    }

    [Fact]
    public async Task Two_runs_at_once_end_each_lapsed_lease_once_and_leave_what_one_run_leaves()
    {
        var lockstep = new LockstepReads();
        await using var server = await StartAsync(_ => { }, builder =>
            builder.Services.Configure<TablePipelineOptions>(o => o.PerCallPolicies.Add(lockstep)));
        var lapsing = await LapsingLeasesAsync(server, count: 3);
        var other = await server.CreateLicenseAsync(Floating, seats: 2, HeartbeatSeconds);
        var kept = await RequestAsync(server, other, "kept");
        var released = await RequestAsync(server, other, "released");
        await server.CallAsync("v1/license/release", new { licenseToken = released.Token, machineId = "released" });
        var releasedAt = server.Clock.GetUtcNow();
        server.Clock.Advance(TimeSpan.FromSeconds(8));
        var beat = (await server.CallAsync("v1/license/heartbeat", new { licenseToken = kept.Token, machineId = "kept" })).RootElement;
        var keptUntil = Timestamp(beat.GetProperty("tokenExpireAt"));
        server.Clock.Advance(TimeSpan.FromSeconds(4));

        lockstep.Arm();
        var first = server.RunExpiryTimerAsync();
        var second = server.RunExpiryTimerAsync();
        var runs = await Task.WhenAll(first, second);
        lockstep.Disarm();
        output.WriteLine($"runs: {runs[0]}; {runs[1]}; reads that found no partner: {lockstep.Unpaired}");

        Assert.All(runs, run => Assert.True(run.Complete, run.ToString()));
        // Only what a run changes under an ETag is counted once; both runs may examine (and count) the same entry.
        Assert.Equal((3, 0, 0), (runs.Sum(r => r.Lapsed), runs.Sum(r => r.Purged), runs.Sum(r => r.Stale)));
        await AssertEndedOnceAsync(server, lapsing);
        Assert.Equal(1, (await server.StoredLicenseRowAsync(other.LicenseId))!.GetInt32("LiveSeats"));
        var retention = TimeSpan.FromDays(7);
        var expected = lapsing.Leases.Select(l => (l.TokenId, lapsing.DueAt + retention))
            .Append((released.TokenId, releasedAt + retention))
            .Append((kept.TokenId, keptUntil))
            .Order()
            .ToList();
        Assert.Equal(expected, (await EntriesAsync(server, lapsing.License, other)).Order());
        Assert.Equal(HourOf(server.Clock.GetUtcNow()), (await CheckpointAsync(server)).NextHour);
    }

    [Fact]
    public async Task Entries_left_by_a_deleted_license_are_removed_as_stale_and_nothing_is_stored_for_it()
    {
        await using var server = await StartAsync(_ => { });
        var doomed = await LapsingLeasesAsync(server, count: 2, spareSeats: 1);
        var released = await RequestAsync(server, doomed.License, "released");
        await server.CallAsync("v1/license/release", new { licenseToken = released.Token, machineId = "released" });
        await server.SendForJsonAsync(HttpMethod.Delete, $"v1/admin/licenses/{doomed.License.LicenseId}", null, ServerFixture.AdminKey);
        var trail = await EventRowsAsync(server, doomed.License);
        server.Clock.Advance(TimeSpan.FromSeconds(11));

        var run = await server.RunExpiryTimerAsync();
        var again = await server.RunExpiryTimerAsync();

        Assert.Equal(new ExpiryRun(Examined: 3, Lapsed: 0, Moved: 0, Purged: 0, Stale: 3, Complete: true), run);
        Assert.Equal(new ExpiryRun(0, 0, 0, 0, 0, Complete: true), again);
        Assert.Empty(await server.StoredRowsAsync(doomed.License.LicenseId));
        Assert.Equal(trail, await EventRowsAsync(server, doomed.License));
        Assert.Empty(await EntriesAsync(server, doomed.License));
    }

    [Fact]
    public async Task Seats_left_behind_by_a_license_whose_row_is_gone_are_purged_and_nothing_is_recorded_for_them()
    {
        await using var server = await StartAsync(_ => { });
        var orphaned = await LapsingLeasesAsync(server, count: 2);
        // A delete interrupted after the license row went and before its seat rows did.
        await server.Tables.Licenses.DeleteEntityAsync(orphaned.License.LicenseId, TableKeys.LicenseRow);
        var trail = await EventRowsAsync(server, orphaned.License);
        server.Clock.Advance(TimeSpan.FromSeconds(11));

        var run = await server.RunExpiryTimerAsync();

        Assert.Equal(new ExpiryRun(Examined: 2, Lapsed: 0, Moved: 0, Purged: 2, Stale: 0, Complete: true), run);
        Assert.Empty(await server.StoredRowsAsync(orphaned.License.LicenseId));
        Assert.Equal(trail, await EventRowsAsync(server, orphaned.License));
        Assert.Empty(await EntriesAsync(server, orphaned.License));
    }

    private static async Task<ServerFixture> StartAsync(Action<Dictionary<string, string?>> adjust, Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder>? configure = null)
    {
        var server = await ServerFixture.StartAsync(adjust, configure: configure);
        Assert.Equal(new ExpiryRun(0, 0, 0, 0, 0, Complete: true), await server.RunExpiryTimerAsync());
        Assert.Equal(HourOf(server.Clock.GetUtcNow()), (await CheckpointAsync(server)).NextHour);
        return server;
    }

    /// <summary>A fresh license with leases granted now that no heartbeat will keep: they lapse together.</summary>
    private static async Task<Lapsing> LapsingLeasesAsync(ServerFixture server, int count, int spareSeats = 0)
    {
        var license = await server.CreateLicenseAsync(Floating, seats: count + spareSeats, HeartbeatSeconds);
        var leases = new List<Lease>();
        for (var i = 0; i < count; i++)
        {
            leases.Add(await RequestAsync(server, license, $"m{i}"));
        }

        Assert.Single(leases.Select(l => l.ExpireAt).Distinct());
        return new Lapsing(license, leases, leases[0].ExpireAt);
    }

    private static async Task<Lease> RequestAsync(ServerFixture server, License license, string machineId)
    {
        var granted = (await server.CallAsync("v1/license/request", new { license.UserKey, machineId })).RootElement;
        Assert.True(granted.GetProperty("granted").GetBoolean(), granted.GetRawText());
        var token = granted.GetProperty("licenseToken").GetString()!;
        return new Lease(token, SeatTokens.TokenId(token), Timestamp(granted.GetProperty("tokenExpireAt")));
    }

    /// <summary>Every lease ended by one lapse: stored expired, the license's count at zero, one seat.lapsed each.</summary>
    private static async Task AssertEndedOnceAsync(ServerFixture server, Lapsing lapsing)
    {
        var rows = await server.StoredRowsAsync(lapsing.License.LicenseId);
        Assert.Equal(0, rows.Single(r => r.RowKey == TableKeys.LicenseRow).GetInt32("LiveSeats"));
        var seats = rows.Where(r => TableKeys.IsSeatRow(r.RowKey)).ToList();
        Assert.Equal(lapsing.Leases.Count, seats.Count);
        Assert.All(seats, s => Assert.Equal("expired", s.GetString("State")));
        var lapses = (await server.StoredEventsAsync(lapsing.License.LicenseId)).Where(e => e.GetString("Type") == "seat.lapsed").ToList();
        Assert.Equal(lapsing.Leases.Select(l => l.TokenId).Order(), lapses.Select(e => e.GetString("TokenId")).Order());
    }

    private static async Task<(DateTimeOffset? NextHour, ETag ETag)> CheckpointAsync(ServerFixture server)
    {
        var row = (await server.Tables.ExpiryIndex.GetEntityAsync<TableEntity>(TableKeys.CheckpointPartition, TableKeys.ExpiryCheckpointRow)).Value;
        return (row.GetDateTimeOffset("NextHour"), row.ETag);
    }

    /// <summary>The expiry-index entries of these licenses: which token each names and when it comes due.</summary>
    private static async Task<List<(string TokenId, DateTimeOffset DueAt)>> EntriesAsync(ServerFixture server, params License[] licenses)
    {
        var ids = licenses.Select(l => l.LicenseId).ToHashSet(StringComparer.Ordinal);
        var entries = new List<(string, DateTimeOffset)>();
        await foreach (var entity in server.Tables.ExpiryIndex.QueryAsync<TableEntity>(e => e.PartitionKey != TableKeys.CheckpointPartition))
        {
            var entry = ExpiryEntry.FromEntity(entity);
            if (ids.Contains(entry.LicenseId))
            {
                entries.Add((entry.TokenId, entry.DueAt));
            }
        }

        return entries;
    }

    private static async Task<List<(string RowKey, string ETag)>> EventRowsAsync(ServerFixture server, License license) =>
        (await server.StoredEventsAsync(license.LicenseId)).Select(e => (e.RowKey, e.ETag.ToString())).ToList();

    private static DateTimeOffset HourOf(DateTimeOffset at) => TableKeys.ExpiryPartitionStart(TableKeys.ExpiryPartition(at));

    private static DateTimeOffset Timestamp(System.Text.Json.JsonElement value) =>
        DateTimeOffset.FromUnixTimeSeconds(value.GetProperty("seconds").GetInt64()).AddTicks(value.GetProperty("nanos").GetInt32() / 100);

    private sealed record Lease(string Token, string TokenId, DateTimeOffset ExpireAt);

    private sealed record Lapsing(License License, IReadOnlyList<Lease> Leases, DateTimeOffset DueAt);
}
