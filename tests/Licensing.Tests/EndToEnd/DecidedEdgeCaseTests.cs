using System.Net;
using System.Text.Json;
using Licensing.Tests.Support;

namespace Licensing.Tests.EndToEnd;

/// <summary>CONTRACT.md's "Edge cases, decided": a lapsed lease ended as lapsed whoever finds it; machine_mismatch before the seat's state.</summary>
public sealed class DecidedEdgeCaseTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const int Floating = 2;

    [Fact]
    public async Task Releasing_a_lease_after_its_expiry_answers_200_and_records_a_lapse_by_the_server_not_a_release()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 2, heartbeatSeconds: 5);
        var token = await RequestTokenAsync(license, "m1");
        server.Clock.Advance(TimeSpan.FromSeconds(11));

        using var released = await server.SendAsync(HttpMethod.Post, "v1/license/release", new { licenseToken = token, machineId = "m1" }, server.ClientKey);
        var body = (await ServerFixture.ReadJsonAsync(released)).RootElement;

        Assert.Equal(HttpStatusCode.OK, released.StatusCode);
        Assert.Equal(0, body.GetProperty("activeClientCount").GetInt32());
        var events = await EventsAsync(license);
        Assert.Equal(["seat.lapsed", "seat.granted", "license.created"], events.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal("server", events[0].GetProperty("actor").GetString());
        var seat = (await server.StoredRowsAsync(license.LicenseId)).Single(r => r.RowKey != "license");
        Assert.Equal("expired", seat.GetString("State"));
        Assert.Equal(server.Clock.GetUtcNow() - TimeSpan.FromSeconds(1), seat.GetDateTimeOffset("EndedAt"));
    }

    [Fact]
    public async Task An_admin_revoke_of_a_lapsed_lease_answers_200_and_records_a_lapse_not_a_revocation()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 2, heartbeatSeconds: 5);
        var token = await RequestTokenAsync(license, "m1");
        server.Clock.Advance(TimeSpan.FromSeconds(11));

        using var revoked = await server.SendAsync(HttpMethod.Post, $"v1/admin/licenses/{license.LicenseId}/tokens/revoke", new { licenseToken = token }, ServerFixture.AdminKey);

        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        var events = await EventsAsync(license);
        Assert.Equal(["seat.lapsed", "seat.granted", "license.created"], events.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal("server", events[0].GetProperty("actor").GetString());
        Assert.Equal("expired", (await server.StoredRowsAsync(license.LicenseId)).Single(r => r.RowKey != "license").GetString("State"));
    }

    [Fact]
    public async Task A_heartbeat_from_another_machine_is_a_machine_mismatch_even_when_the_lease_has_ended()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 2, heartbeatSeconds: 5);
        var token = await RequestTokenAsync(license, "m1");
        await server.CallAsync("v1/license/release", new { licenseToken = token, machineId = "m1" });

        var beat = (await server.CallAsync("v1/license/heartbeat", new { licenseToken = token, machineId = "m2" })).RootElement;
        var own = (await server.CallAsync("v1/license/heartbeat", new { licenseToken = token, machineId = "m1" })).RootElement;

        Assert.False(beat.GetProperty("active").GetBoolean());
        Assert.Equal("machine_mismatch", beat.GetProperty("reason").GetString());
        Assert.Equal("token_released", own.GetProperty("reason").GetString());
    }

    private async Task<string> RequestTokenAsync(License license, string machineId)
    {
        var granted = (await server.CallAsync("v1/license/request", new { license.UserKey, machineId })).RootElement;
        Assert.True(granted.GetProperty("granted").GetBoolean(), granted.GetRawText());
        return granted.GetProperty("licenseToken").GetString()!;
    }

    private async Task<List<JsonElement>> EventsAsync(License license)
    {
        var page = await server.SendForJsonAsync(HttpMethod.Get, $"v1/admin/licenses/{license.LicenseId}/events", null, ServerFixture.AdminKey);
        return page.RootElement.GetProperty("items").EnumerateArray().ToList();
    }
}
