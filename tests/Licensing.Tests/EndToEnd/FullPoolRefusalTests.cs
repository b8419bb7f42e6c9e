using System.Text.Json;
using Licensing.Tests.Support;

namespace Licensing.Tests.EndToEnd;

/// <summary>
/// A full floating pool refuses cheaply: the first refusal reads the leases once and remembers on the license row
/// when the first of them can lapse; until then a refusal costs the request's own two point reads. At that time the
/// next request reads the leases again and gets the lapsed seat.
/// </summary>
public sealed class FullPoolRefusalTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const int Floating = 2;
    private const int Seats = 40;
    private const int HeartbeatSeconds = 60;

    [Fact]
    public async Task After_one_read_of_the_leases_every_refusal_costs_two_storage_requests_until_a_lease_can_lapse()
    {
        var license = await FullPoolAsync();
        var filledAt = server.Clock.GetUtcNow();

        server.StorageRequests.Reset();
        var first = await RequestAsync(license, "newcomer-0");
        var firstCost = server.StorageRequests.Count;
        var costs = new List<int>();
        for (var i = 1; i <= 99; i++)
        {
            server.StorageRequests.Reset();
            var refused = await RequestAsync(license, $"newcomer-{i}");
            Assert.Equal(("seats_exhausted", Seats), (refused.GetProperty("reason").GetString(), refused.GetProperty("activeClientCount").GetInt32()));
            costs.Add(server.StorageRequests.Count);
        }

        Assert.Equal(("seats_exhausted", Seats), (first.GetProperty("reason").GetString(), first.GetProperty("activeClientCount").GetInt32()));
        // The two point reads, the lapsed-lease query, the read of every live lease's expiry, the merge of the row.
        Assert.Equal(5, firstCost);
        Assert.Equal(99, costs.Count);
        Assert.All(costs, cost => Assert.Equal(2, cost));
        Assert.Equal(filledAt.AddSeconds(2 * HeartbeatSeconds), (await server.StoredLicenseRowAsync(license.LicenseId))!.GetDateTimeOffset("NoLapseBefore"));
        Assert.Equal(Seats, (await server.StoredLicenseRowAsync(license.LicenseId))!.GetInt32("LiveSeats"));
    }

    [Fact]
    public async Task A_lease_that_lapses_is_granted_to_the_next_request_at_its_deadline()
    {
        var license = await FullPoolAsync();
        var tokens = license.Tokens;
        var deadline = server.Clock.GetUtcNow().AddSeconds(2 * HeartbeatSeconds);
        await RequestAsync(license, "early-0");
        server.Clock.Advance(TimeSpan.FromSeconds(HeartbeatSeconds));
        var beats = tokens.Skip(1).Select((token, i) => server.CallAsync("v1/license/heartbeat", new { licenseToken = token, machineId = $"holder-{i + 1}" })).ToArray();
        await Task.WhenAll(beats);
        server.Clock.SetUtcNow(deadline.AddTicks(-1));
        var justBefore = await RequestAsync(license, "early-1");

        server.Clock.SetUtcNow(deadline);
        var atDeadline = await RequestAsync(license, "on-time");

        Assert.Equal(Seats - 1, beats.Count(b => b.Result.RootElement.GetProperty("active").GetBoolean()));
        Assert.Equal(("seats_exhausted", Seats), (justBefore.GetProperty("reason").GetString(), justBefore.GetProperty("activeClientCount").GetInt32()));
        Assert.True(atDeadline.GetProperty("granted").GetBoolean(), atDeadline.GetRawText());
        Assert.Equal(Seats, atDeadline.GetProperty("activeClientCount").GetInt32());
        var stored = await server.StoredRowsAsync(license.LicenseId);
        Assert.Equal("expired", stored.Single(r => r.GetString("MachineId") == "holder-0").GetString("State"));
        Assert.Equal("live", stored.Single(r => r.GetString("MachineId") == "on-time").GetString("State"));
    }

    [Fact]
    public async Task An_admin_change_of_the_interval_makes_the_next_refusal_read_the_leases_again()
    {
        var license = await FullPoolAsync();
        var filledAt = server.Clock.GetUtcNow();
        await RequestAsync(license, "before-change");
        server.Clock.Advance(TimeSpan.FromSeconds(10));

        await server.SendForJsonAsync(HttpMethod.Patch, $"v1/admin/licenses/{license.LicenseId}", new { heartbeatInterval = new { seconds = 20, nanos = 0 } }, ServerFixture.AdminKey);
        var droppedByChange = (await server.StoredLicenseRowAsync(license.LicenseId))!.GetDateTimeOffset("NoLapseBefore");
        server.StorageRequests.Reset();
        var refused = await RequestAsync(license, "after-change");
        var cost = server.StorageRequests.Count;

        Assert.Null(droppedByChange);
        Assert.Equal("seats_exhausted", refused.GetProperty("reason").GetString());
        Assert.Equal(5, cost);
        // The leases still run on the old interval, but one renewed now would lapse after 2 × 20 s.
        Assert.Equal(filledAt.AddSeconds(10 + 40), (await server.StoredLicenseRowAsync(license.LicenseId))!.GetDateTimeOffset("NoLapseBefore"));
    }

    /// <summary>A fresh license whose every seat is held, all granted at once at the clock's current time.</summary>
    private async Task<FullPool> FullPoolAsync()
    {
        var license = await server.CreateLicenseAsync(Floating, Seats, HeartbeatSeconds);
        var grants = Enumerable.Range(0, Seats).Select(i => server.CallAsync("v1/license/request", new { license.UserKey, machineId = $"holder-{i}" })).ToArray();
        await Task.WhenAll(grants);
        Assert.Equal(Seats, grants.Count(g => g.Result.RootElement.GetProperty("granted").GetBoolean()));
        return new FullPool(license.LicenseId, license.UserKey, grants.Select(g => g.Result.RootElement.GetProperty("licenseToken").GetString()!).ToArray());
    }

    private async Task<JsonElement> RequestAsync(FullPool license, string machineId) =>
        (await server.CallAsync("v1/license/request", new { license.UserKey, machineId })).RootElement.Clone();

    private sealed record FullPool(string LicenseId, string UserKey, string[] Tokens);
}
