using System.Net;
using Licensing.Storage;
using Licensing.Tests.Support;

namespace Licensing.Tests.EndToEnd;

/// <summary>
/// The attack on reads without bounds: a 1-seat customer looping activate/deactivate with fresh machine ids (or
/// request/release with fresh client ids). The partition keeps at most the cap of ended seats and events plus less than
/// one trimming batch (40), and info answers with the live seats and at most the 100 newest ended ones.
/// </summary>
public sealed class PartitionBoundsTests
{
    private const int Activation = 1;
    private const int Floating = 2;

    [Fact]
    public async Task Info_and_the_admin_view_show_the_live_seat_and_the_100_newest_ended_ones_as_truncated_and_the_seats_route_pages_through_all()
    {
        await using var server = await ServerFixture.StartAsync(_ => { });
        var license = await server.CreateLicenseAsync(Activation, seats: 1);
        for (var i = 0; i < 105; i++)
        {
            await ActivateThenDeactivateAsync(server, license, $"m-{i}");
            server.Clock.Advance(TimeSpan.FromSeconds(1));
        }

        await server.CallAsync("v1/license/activate", new { license.UserKey, machineId = "current" });

        using var info = await server.CallAsync("v1/license/info", new { license.UserKey, machineId = "current" });
        using var view = await server.SendForJsonAsync(HttpMethod.Get, $"v1/admin/licenses/{license.LicenseId}", null, ServerFixture.AdminKey);
        var pages = await SeatPagesAsync(server, license, pageSize: 50);

        var infoTokens = info.RootElement.GetProperty("licenseTokens").EnumerateArray().ToArray();
        Assert.Equal(101, infoTokens.Length);
        Assert.True(info.RootElement.GetProperty("truncated").GetBoolean());
        Assert.Equal(1, info.RootElement.GetProperty("activeClientCount").GetInt32());
        Assert.Equal(100, infoTokens.Count(t => t.GetProperty("revoked").GetBoolean()));
        Assert.Equal(["current"], infoTokens.Where(t => !t.GetProperty("revoked").GetBoolean()).Select(t => t.GetProperty("machineId").GetString()));
        var viewTokens = view.RootElement.GetProperty("licenseTokens").EnumerateArray().Select(t => t.GetProperty("machineId").GetString()!).ToArray();
        Assert.True(view.RootElement.GetProperty("truncated").GetBoolean());
        Assert.Equal(Enumerable.Range(5, 100).Select(i => $"m-{i}").Append("current").Order(StringComparer.Ordinal), viewTokens.Order(StringComparer.Ordinal));
        Assert.Equal([50, 50, 6], pages.Select(p => p.Count));
        Assert.Equal(Enumerable.Range(0, 105).Select(i => $"m-{i}").Append("current").Order(StringComparer.Ordinal), pages.SelectMany(p => p).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_license_never_truncated_answers_truncated_false()
    {
        await using var server = await ServerFixture.StartAsync(_ => { });
        var license = await server.CreateLicenseAsync(Activation, seats: 1);
        await ActivateThenDeactivateAsync(server, license, "m-0");

        using var info = await server.CallAsync("v1/license/info", new { license.UserKey, machineId = "m-0" });
        using var view = await server.SendForJsonAsync(HttpMethod.Get, $"v1/admin/licenses/{license.LicenseId}", null, ServerFixture.AdminKey);

        Assert.Equal(1, info.RootElement.GetProperty("licenseTokens").GetArrayLength());
        Assert.False(info.RootElement.GetProperty("truncated").GetBoolean());
        Assert.False(view.RootElement.GetProperty("truncated").GetBoolean());
    }

    [Fact]
    public async Task The_seats_route_of_an_unknown_license_is_404_and_a_made_up_continuation_token_is_400()
    {
        await using var server = await ServerFixture.StartAsync(_ => { });
        var license = await server.CreateLicenseAsync(Activation, seats: 1);

        using var unknown = await server.SendAsync(HttpMethod.Get, "v1/admin/licenses/lic_aaaaaaaaaaaaaaaaaaaaaaaaaa/seats", null, ServerFixture.AdminKey);
        using var madeUp = await server.SendAsync(HttpMethod.Get, $"v1/admin/licenses/{license.LicenseId}/seats?continuationToken=bm90LW91cnM", null, ServerFixture.AdminKey);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, madeUp.StatusCode);
    }

    [Fact]
    public async Task Sixty_activate_deactivate_and_request_release_loops_leave_20_ended_seats_and_21_events_under_caps_of_5_and_20()
    {
        await using var server = await ServerFixture.StartAsync(s =>
        {
            s["Licensing:MaxEndedSeatsPerLicense"] = "5";
            s["Licensing:MaxEventsPerLicense"] = "20";
        });
        var activations = await server.CreateLicenseAsync(Activation, seats: 1);
        var leases = await server.CreateLicenseAsync(Floating, seats: 1);

        var activating = LoopActivationsAsync(server, activations, 60);
        var leasing = LoopLeasesAsync(server, leases, 60);
        await Task.WhenAll(activating, leasing);

        // 60 endings: trimmed back to 5 at the 45th, 15 more since. Events 1 to 121: trimmed to the newest 20 at 120.
        await AssertBoundedAsync(server, activations, endedSeats: 20, events: 21, shownEnded: 20, truncated: false);
        await AssertBoundedAsync(server, leases, endedSeats: 20, events: 21, shownEnded: 20, truncated: false);
    }

    /// <summary>
    /// At the default cap of ended seats (1,000), so the trims read the ended-seat index and the events in more than
    /// one page; the event cap is lowered to 1,200 so the events pass it in 1,120 loops instead of 10,000 (long loads
    /// belong to the bench).
    /// </summary>
    [Fact]
    [Trait("Category", "Slow")]
    public async Task Eleven_hundred_twenty_activate_deactivate_and_request_release_loops_leave_1000_ended_seats_and_1201_events_and_info_shows_100()
    {
        await using var server = await ServerFixture.StartAsync(s =>
        {
            s["Licensing:RateLimitPerKey"] = "0";
            s["Licensing:RateLimitPerAddress"] = "0";
            s["Licensing:MaxEventsPerLicense"] = "1200";
        });
        var activations = await server.CreateLicenseAsync(Activation, seats: 1);
        var leases = await server.CreateLicenseAsync(Floating, seats: 1);

        var activating = LoopActivationsAsync(server, activations, 1_120);
        var leasing = LoopLeasesAsync(server, leases, 1_120);
        await Task.WhenAll(activating, leasing);

        // 1,120 endings: trimmed back to the cap of 1,000 at every 40th past it (1,040, 1,080), the last at the 1,120th.
        // Events 1 to 2,241: trimmed to the newest 1,200 at every 40th past the cap, the last at 2,240, one written since.
        await AssertBoundedAsync(server, activations, endedSeats: 1_000, events: 1_201, shownEnded: 100, truncated: true);
        await AssertBoundedAsync(server, leases, endedSeats: 1_000, events: 1_201, shownEnded: 100, truncated: true);
    }

    private static async Task AssertBoundedAsync(ServerFixture server, License license, int endedSeats, int events, int shownEnded, bool truncated)
    {
        var rows = await server.StoredRowsAsync(license.LicenseId);
        var index = await server.StoredEndedIndexAsync(license.LicenseId);
        var stored = await server.StoredEventsAsync(license.LicenseId);
        using var info = await server.CallAsync("v1/license/info", new { license.UserKey, machineId = "someone" });

        Assert.Equal(endedSeats + 1, rows.Count);
        Assert.Equal(endedSeats, rows.Count(r => TableKeys.IsSeatRow(r.RowKey) && r.GetString("State") != Licensing.Domain.SeatState.Live));
        Assert.Equal(endedSeats, index.Count);
        Assert.Equal(endedSeats, rows.Single(r => r.RowKey == TableKeys.LicenseRow).GetInt32("EndedSeats"));
        Assert.Equal(events, stored.Count);
        Assert.Equal(shownEnded, info.RootElement.GetProperty("licenseTokens").GetArrayLength());
        Assert.Equal(truncated, info.RootElement.GetProperty("truncated").GetBoolean());
        Assert.Equal(0, info.RootElement.GetProperty("activeClientCount").GetInt32());
    }

    private static async Task LoopActivationsAsync(ServerFixture server, License license, int loops)
    {
        await Task.Yield();
        for (var i = 0; i < loops; i++)
        {
            await ActivateThenDeactivateAsync(server, license, $"m-{i}");
        }
    }

    private static async Task LoopLeasesAsync(ServerFixture server, License license, int loops)
    {
        await Task.Yield();
        for (var i = 0; i < loops; i++)
        {
            using var granted = await server.CallAsync("v1/license/request", new { license.UserKey, machineId = "pc", clientId = $"c-{i}" });
            Assert.True(granted.RootElement.GetProperty("granted").GetBoolean(), granted.RootElement.GetRawText());
            using var released = await server.CallAsync("v1/license/release", new { licenseToken = granted.RootElement.GetProperty("licenseToken").GetString(), machineId = "pc" });
        }
    }

    private static async Task ActivateThenDeactivateAsync(ServerFixture server, License license, string machineId)
    {
        using var activated = await server.CallAsync("v1/license/activate", new { license.UserKey, machineId });
        Assert.True(activated.RootElement.GetProperty("success").GetBoolean(), activated.RootElement.GetRawText());
        using var deactivated = await server.CallAsync("v1/license/deactivate", new { license.UserKey, machineId });
    }

    /// <summary>Every page of the admin seats route: each page's machine ids.</summary>
    private static async Task<List<List<string>>> SeatPagesAsync(ServerFixture server, License license, int pageSize)
    {
        var pages = new List<List<string>>();
        string? token = null;
        do
        {
            var route = $"v1/admin/licenses/{license.LicenseId}/seats?pageSize={pageSize}" + (token is null ? "" : $"&continuationToken={Uri.EscapeDataString(token)}");
            using var page = await server.SendForJsonAsync(HttpMethod.Get, route, null, ServerFixture.AdminKey);
            pages.Add(page.RootElement.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("machineId").GetString()!).ToList());
            token = page.RootElement.GetProperty("continuationToken").GetString();
        }
        while (token is not null);

        return pages;
    }
}
