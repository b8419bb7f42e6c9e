using System.Net;
using System.Text.Json;
using Licensing.Tests.Support;

namespace Licensing.Tests.EndToEnd;

/// <summary>
/// Knowing a user key does not let anyone act for another machine: info masks other machines' identifiers and
/// addresses, so nothing it shows can be presented to request, release or deactivate their seats.
/// </summary>
public sealed class SeatTheftTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_thief_who_reads_info_then_requests_and_releases_gets_no_victims_token_and_frees_no_victims_seat()
    {
        var license = await server.CreateLicenseAsync(mode: 2, seats: 5);
        var victim = (await server.CallAsync("v1/license/request", new { license.UserKey, machineId = "victim-pc", clientId = "cad" })).RootElement;
        var victimToken = victim.GetProperty("licenseToken").GetString()!;

        var info = (await server.CallAsync("v1/license/info", new { license.UserKey, machineId = "thief-pc" })).RootElement;
        var seats = info.GetProperty("licenseTokens").EnumerateArray().ToList();
        Assert.Single(seats);
        var shown = seats[0];
        var stolen = (await server.CallAsync("v1/license/request",
            new { license.UserKey, machineId = shown.GetProperty("machineId").GetString(), clientId = shown.GetProperty("clientId").GetString() })).RootElement;
        using var release = await server.SendAsync(HttpMethod.Post, "v1/license/release",
            new { licenseToken = stolen.GetProperty("licenseToken").GetString(), machineId = shown.GetProperty("machineId").GetString() }, server.ClientKey);

        Assert.StartsWith("masked_", shown.GetProperty("machineId").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("masked_", shown.GetProperty("clientId").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, shown.GetProperty("clientAddr").ValueKind);
        Assert.True(stolen.GetProperty("granted").GetBoolean());
        Assert.NotEqual(victimToken, stolen.GetProperty("licenseToken").GetString());
        Assert.Equal(HttpStatusCode.OK, release.StatusCode);
        var beat = (await server.CallAsync("v1/license/heartbeat", new { licenseToken = victimToken, machineId = "victim-pc" })).RootElement;
        Assert.True(beat.GetProperty("active").GetBoolean(), beat.GetRawText());
        Assert.Equal(1, beat.GetProperty("activeClientCount").GetInt32());
    }

    [Fact]
    public async Task Info_shows_the_callers_own_seats_in_full_and_every_other_machine_masked_stably_and_distinctly()
    {
        var license = await server.CreateLicenseAsync(mode: 1, seats: 3);
        foreach (var machine in new[] { "pc-own", "pc-a", "pc-b" })
        {
            await server.CallAsync("v1/license/activate", new { license.UserKey, machineId = machine });
        }

        var first = await MachineIdsAsync(license, "pc-own");
        var second = await MachineIdsAsync(license, "pc-own");

        Assert.Equal(3, first.Count);
        var others = first.Where(id => id != "pc-own").ToList();
        Assert.Equal(2, others.Count);
        Assert.All(others, id => Assert.Matches("^masked_[a-z2-7]{16}$", id));
        Assert.Equal(2, others.Distinct().Count());
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task A_victims_masked_machine_id_deactivates_nothing_on_an_activation_license()
    {
        var license = await server.CreateLicenseAsync(mode: 1, seats: 2);
        await server.CallAsync("v1/license/activate", new { license.UserKey, machineId = "victim-pc" });
        var masked = (await MachineIdsAsync(license, "thief-pc")).Single();

        var counts = (await server.CallAsync("v1/license/deactivate", new { license.UserKey, machineId = masked })).RootElement;
        var victim = (await server.CallAsync("v1/license/validate", new { license.UserKey, machineId = "victim-pc" })).RootElement;

        Assert.Equal(1, counts.GetProperty("activeClientCount").GetInt32());
        Assert.True(victim.GetProperty("success").GetBoolean(), victim.GetRawText());
    }

    [Fact]
    public async Task The_admin_view_shows_every_seat_in_full()
    {
        var license = await server.CreateLicenseAsync(mode: 2, seats: 2);
        await server.CallAsync("v1/license/request", new { license.UserKey, machineId = "pc-1", clientId = "c1" });

        var view = (await server.SendForJsonAsync(HttpMethod.Get, $"v1/admin/licenses/{license.LicenseId}", null, ServerFixture.AdminKey)).RootElement;
        var seats = view.GetProperty("licenseTokens").EnumerateArray().ToList();

        Assert.Single(seats);
        Assert.Equal("pc-1", seats[0].GetProperty("machineId").GetString());
        Assert.Equal("c1", seats[0].GetProperty("clientId").GetString());
        Assert.Equal("127.0.0.1", seats[0].GetProperty("clientAddr").GetString());
    }

    private async Task<List<string?>> MachineIdsAsync(License license, string callerMachineId)
    {
        var info = (await server.CallAsync("v1/license/info", new { license.UserKey, machineId = callerMachineId })).RootElement;
        return info.GetProperty("licenseTokens").EnumerateArray().Select(t => t.GetProperty("machineId").GetString()).ToList();
    }
}
