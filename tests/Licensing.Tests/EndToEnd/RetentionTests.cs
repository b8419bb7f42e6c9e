using Licensing.Expiry;
using Licensing.Settings;
using Licensing.Tests.Support;

namespace Licensing.Tests.EndToEnd;

/// <summary>
/// An ended token stays visible in info for exactly <c>Licensing:TokenRetention</c> after it ended, then the timer
/// purges it: here a retention of three hours, set, so neither the seven-day default nor any other span passes.
/// Each test has its own server, tables and clock, and the timer has run once since the server started, as it
/// does every minute.
/// </summary>
public sealed class RetentionTests : IAsyncLifetime
{
    private const int Activation = 1;
    private const int Floating = 2;
    private static readonly TimeSpan Retention = TimeSpan.FromHours(3);
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    private ServerFixture _server = null!;

    public async Task InitializeAsync()
    {
        _server = await ServerFixture.StartAsync(settings => settings[SettingNames.TokenRetention] = "03:00:00");
        Assert.Equal(new ExpiryRun(0, 0, 0, 0, 0, Complete: true), await _server.RunExpiryTimerAsync());
    }

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task A_released_lease_shows_in_info_until_the_retention_after_its_release_then_is_purged()
    {
        var license = await _server.CreateLicenseAsync(Floating, seats: 1, heartbeatSeconds: 5);
        var token = await RequestAsync(license, "m1");
        await _server.CallAsync("v1/license/release", new { licenseToken = token, machineId = "m1" });
        var releasedAt = _server.Clock.GetUtcNow();

        _server.Clock.Advance(Retention - Second);
        var before = await _server.RunExpiryTimerAsync();
        var shown = await TokensAsync(license);
        _server.Clock.Advance(Second);
        var at = await _server.RunExpiryTimerAsync();

        Assert.Equal(new ExpiryRun(Examined: 1, Lapsed: 0, Moved: 0, Purged: 0, Stale: 0, Complete: true), before);
        Assert.Equal(("released", true), Assert.Single(shown));
        Assert.Equal(new ExpiryRun(Examined: 1, Lapsed: 0, Moved: 0, Purged: 1, Stale: 0, Complete: true), at);
        Assert.Equal(releasedAt + Retention, _server.Clock.GetUtcNow());
        await AssertPurgedAsync(license);
    }

    [Fact]
    public async Task A_lapsed_lease_shows_in_info_until_the_retention_after_its_expiry_then_is_purged()
    {
        var license = await _server.CreateLicenseAsync(Floating, seats: 1, heartbeatSeconds: 5);
        await RequestAsync(license, "m1");
        var lapsedAt = _server.Clock.GetUtcNow() + TimeSpan.FromSeconds(10);

        // The timer comes late: the lease lapsed a retention minus a second ago.
        _server.Clock.Advance(lapsedAt + Retention - Second - _server.Clock.GetUtcNow());
        var before = await _server.RunExpiryTimerAsync();
        var shown = await TokensAsync(license);
        _server.Clock.Advance(Second);
        var at = await _server.RunExpiryTimerAsync();

        Assert.Equal(new ExpiryRun(Examined: 1, Lapsed: 1, Moved: 0, Purged: 0, Stale: 0, Complete: true), before);
        Assert.Equal(("expired", true), Assert.Single(shown));
        Assert.Equal(new ExpiryRun(Examined: 1, Lapsed: 0, Moved: 0, Purged: 1, Stale: 0, Complete: true), at);
        Assert.Equal(lapsedAt + Retention, _server.Clock.GetUtcNow());
        await AssertPurgedAsync(license);
    }

    [Fact]
    public async Task A_deactivated_machine_shows_in_info_until_the_retention_after_its_deactivation_then_is_purged()
    {
        var license = await _server.CreateLicenseAsync(Activation, seats: 1);
        await _server.CallAsync("v1/license/activate", new { license.UserKey, machineId = "pc-1" });
        await _server.CallAsync("v1/license/deactivate", new { license.UserKey, machineId = "pc-1" });

        _server.Clock.Advance(Retention - Second);
        var before = await _server.RunExpiryTimerAsync();
        var shown = await TokensAsync(license);
        _server.Clock.Advance(Second);
        var at = await _server.RunExpiryTimerAsync();

        Assert.Equal(new ExpiryRun(0, 0, 0, 0, 0, Complete: true), before);
        Assert.Equal(("deactivated", true), Assert.Single(shown));
        Assert.Equal(new ExpiryRun(Examined: 1, Lapsed: 0, Moved: 0, Purged: 1, Stale: 0, Complete: true), at);
        await AssertPurgedAsync(license);
    }

    private async Task<string> RequestAsync(License license, string machineId)
    {
        var granted = (await _server.CallAsync("v1/license/request", new { license.UserKey, machineId })).RootElement;
        Assert.True(granted.GetProperty("granted").GetBoolean(), granted.GetRawText());
        return granted.GetProperty("licenseToken").GetString()!;
    }

    /// <summary>Each token info shows: its state and whether it shows revoked.</summary>
    private async Task<List<(string State, bool Revoked)>> TokensAsync(License license)
    {
        var info = (await _server.CallAsync("v1/license/info", new { license.UserKey, machineId = "m1" })).RootElement;
        return info.GetProperty("licenseTokens").EnumerateArray()
            .Select(t => (t.GetProperty("state").GetString()!, t.GetProperty("revoked").GetBoolean()))
            .ToList();
    }

    /// <summary>Gone from info and storage: the license row alone is left, and no expiry entry names the license.</summary>
    private async Task AssertPurgedAsync(License license)
    {
        Assert.Empty(await TokensAsync(license));
        Assert.Equal(["license"], (await _server.StoredRowsAsync(license.LicenseId)).Select(r => r.RowKey));
        var entries = await StoredRows.SnapshotAsync(_server.Tables);
        Assert.DoesNotContain(entries, e => e.Value.LicenseId == license.LicenseId && e.Key.Table == StoredRow.LeaseExpiry);
    }
}
