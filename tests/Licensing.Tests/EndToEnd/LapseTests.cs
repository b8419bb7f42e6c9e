using Licensing.Tests.Support;

namespace Licensing.Tests.EndToEnd;

/// <summary>Time moves here: this class has its own server, clock and tables.</summary>
public sealed class LapseTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const int Floating = 2;

    [Fact]
    public async Task A_lease_not_kept_alive_stops_holding_its_seat_when_its_expiry_passes_before_any_timer_runs()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 1, heartbeatSeconds: 5);
        var token = await RequestTokenAsync(license, "m1");
        var held = (await server.CallAsync("v1/license/request", new { license.UserKey, machineId = "m2" })).RootElement;
        Assert.Equal("seats_exhausted", held.GetProperty("reason").GetString());

        server.Clock.Advance(TimeSpan.FromSeconds(11));
        var other = (await server.CallAsync("v1/license/request", new { license.UserKey, machineId = "m2" })).RootElement;
        var late = (await server.CallAsync("v1/license/heartbeat", new { licenseToken = token, machineId = "m1" })).RootElement;

        Assert.True(other.GetProperty("granted").GetBoolean(), other.GetRawText());
        Assert.Equal(1, other.GetProperty("activeClientCount").GetInt32());
        Assert.False(late.GetProperty("active").GetBoolean());
        Assert.Equal("token_expired", late.GetProperty("reason").GetString());
        Assert.Equal(1, (await server.StoredLicenseRowAsync(license.LicenseId))!.GetInt32("LiveSeats"));
    }

    [Fact]
    public async Task A_heartbeat_just_before_the_expiry_keeps_the_lease()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 1, heartbeatSeconds: 5);
        var token = await RequestTokenAsync(license, "m1");

        server.Clock.Advance(TimeSpan.FromSeconds(9));
        var beat = (await server.CallAsync("v1/license/heartbeat", new { licenseToken = token, machineId = "m1" })).RootElement;
        server.Clock.Advance(TimeSpan.FromSeconds(9));
        var other = (await server.CallAsync("v1/license/request", new { license.UserKey, machineId = "m2" })).RootElement;

        Assert.True(beat.GetProperty("active").GetBoolean());
        Assert.Equal("seats_exhausted", other.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task After_the_timer_runs_a_lapsed_lease_shows_revoked_in_info_and_a_second_run_changes_nothing()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 2, heartbeatSeconds: 5);
        var token = await RequestTokenAsync(license, "m1");
        await RequestTokenAsync(license, "m2");
        server.Clock.Advance(TimeSpan.FromSeconds(11));

        var first = await server.RunExpiryTimerAsync();
        var rowsAfterFirst = await server.StoredRowsAsync(license.LicenseId);
        var second = await server.RunExpiryTimerAsync();
        var rowsAfterSecond = await server.StoredRowsAsync(license.LicenseId);

        Assert.True(first.Lapsed >= 2, $"first run: {first}");
        Assert.Equal(0, second.Lapsed);
        Assert.Equal(rowsAfterFirst.Select(r => (r.RowKey, r.ETag)), rowsAfterSecond.Select(r => (r.RowKey, r.ETag)));
        Assert.Equal(0, rowsAfterSecond.Single(r => r.RowKey == "license").GetInt32("LiveSeats"));
        var info = (await server.CallAsync("v1/license/info", new { license.UserKey, machineId = "m1" })).RootElement;
        var tokens = info.GetProperty("licenseTokens").EnumerateArray().ToList();
        Assert.Equal(2, tokens.Count);
        Assert.All(tokens, t => Assert.True(t.GetProperty("revoked").GetBoolean()));
        Assert.All(tokens, t => Assert.Equal("expired", t.GetProperty("state").GetString()));
        Assert.Equal(0, info.GetProperty("activeClientCount").GetInt32());
        var beat = (await server.CallAsync("v1/license/heartbeat", new { licenseToken = token, machineId = "m1" })).RootElement;
        Assert.Equal("token_expired", beat.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task The_timer_follows_a_lease_kept_alive_by_heartbeats_without_ending_it()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 1, heartbeatSeconds: 5);
        var token = await RequestTokenAsync(license, "m1");
        server.Clock.Advance(TimeSpan.FromSeconds(8));
        await server.CallAsync("v1/license/heartbeat", new { licenseToken = token, machineId = "m1" });
        server.Clock.Advance(TimeSpan.FromSeconds(4));

        await server.RunExpiryTimerAsync();
        var beat = (await server.CallAsync("v1/license/heartbeat", new { licenseToken = token, machineId = "m1" })).RootElement;
        server.Clock.Advance(TimeSpan.FromSeconds(11));
        var run = await server.RunExpiryTimerAsync();

        Assert.True(beat.GetProperty("active").GetBoolean(), beat.GetRawText());
        Assert.True(run.Lapsed >= 1, $"run: {run}");
        Assert.Equal(0, (await server.StoredLicenseRowAsync(license.LicenseId))!.GetInt32("LiveSeats"));
    }

    [Fact]
    public async Task An_ended_token_is_kept_for_the_default_seven_days_after_it_ended_and_purged_at_that_moment()
    {
        // The timer has run lately (it runs every minute), so its checkpoint is this hour.
        await server.RunExpiryTimerAsync();
        var license = await server.CreateLicenseAsync(Floating, seats: 1, heartbeatSeconds: 5);
        var token = await RequestTokenAsync(license, "m1");
        await server.CallAsync("v1/license/release", new { licenseToken = token, machineId = "m1" });
        var releasedAt = server.Clock.GetUtcNow();

        server.Clock.Advance(TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1));
        await server.RunExpiryTimerAsync();
        var kept = await server.StoredRowsAsync(license.LicenseId);
        var shown = (await server.CallAsync("v1/license/info", new { license.UserKey, machineId = "m1" })).RootElement.GetProperty("licenseTokens");
        server.Clock.Advance(TimeSpan.FromSeconds(1));
        await server.RunExpiryTimerAsync();

        Assert.Equal(releasedAt + TimeSpan.FromDays(7), server.Clock.GetUtcNow());
        Assert.Equal(2, kept.Count);
        Assert.Equal("released", Assert.Single(shown.EnumerateArray()).GetProperty("state").GetString());
        Assert.Equal(["license"], (await server.StoredRowsAsync(license.LicenseId)).Select(r => r.RowKey));
        var info = (await server.CallAsync("v1/license/info", new { license.UserKey, machineId = "m1" })).RootElement;
        Assert.Empty(info.GetProperty("licenseTokens").EnumerateArray());
    }

    [Fact]
    public async Task A_lapse_the_timer_records_past_its_retention_is_purged_by_the_same_run()
    {
        await using var noRetention = await ServerFixture.StartAsync(settings => settings["Licensing:TokenRetention"] = "00:00:00");
        var license = await noRetention.CreateLicenseAsync(Floating, seats: 1, heartbeatSeconds: 5);
        var granted = (await noRetention.CallAsync("v1/license/request", new { license.UserKey, machineId = "m1" })).RootElement;
        Assert.True(granted.GetProperty("granted").GetBoolean(), granted.GetRawText());

        noRetention.Clock.Advance(TimeSpan.FromSeconds(11));
        var run = await noRetention.RunExpiryTimerAsync();

        Assert.Equal((1, 1), (run.Lapsed, run.Purged));
        Assert.Equal(["license"], (await noRetention.StoredRowsAsync(license.LicenseId)).Select(r => r.RowKey));
    }

    [Fact]
    public async Task A_lease_renewed_after_its_heartbeat_interval_was_shortened_is_ended_by_the_first_timer_run_after_it_lapses()
    {
        await using var own = await ServerFixture.StartAsync(_ => { });
        var license = await own.CreateLicenseAsync(Floating, seats: 1, heartbeatSeconds: 30);
        var granted = (await own.CallAsync("v1/license/request", new { license.UserKey, machineId = "m1" })).RootElement;
        var shortened = new { heartbeatInterval = new { seconds = 5, nanos = 0 } };
        await own.SendForJsonAsync(HttpMethod.Patch, $"v1/admin/licenses/{license.LicenseId}", shortened, ServerFixture.AdminKey);
        var beat = (await own.CallAsync("v1/license/heartbeat", new { licenseToken = granted.GetProperty("licenseToken").GetString(), machineId = "m1" })).RootElement;
        Assert.True(beat.GetProperty("active").GetBoolean(), beat.GetRawText());

        own.Clock.Advance(TimeSpan.FromSeconds(11));
        var run = await own.RunExpiryTimerAsync();

        Assert.Equal(1, run.Lapsed);
        Assert.Equal(0, (await own.StoredLicenseRowAsync(license.LicenseId))!.GetInt32("LiveSeats"));
    }

    private async Task<string> RequestTokenAsync(License license, string machineId)
    {
        var granted = (await server.CallAsync("v1/license/request", new { license.UserKey, machineId })).RootElement;
        Assert.True(granted.GetProperty("granted").GetBoolean(), granted.GetRawText());
        return granted.GetProperty("licenseToken").GetString()!;
    }
}
