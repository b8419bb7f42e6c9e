using System.Net;
using System.Text.Json;
using Licensing.Tests.Support;

namespace Licensing.Tests.EndToEnd;

public sealed class FloatingLeaseTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const int Floating = 2;

    [Fact]
    public async Task A_request_grants_a_lease_with_a_token_the_interval_and_a_lapse_time_two_intervals_ahead()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 3, heartbeatSeconds: 30);

        var granted = (await server.CallAsync("v1/license/request", new { license.UserKey, machineId = "m1", clientId = "c1" })).RootElement;

        Assert.True(granted.GetProperty("granted").GetBoolean());
        Assert.False(string.IsNullOrEmpty(granted.GetProperty("licenseToken").GetString()));
        Assert.Equal(30, granted.GetProperty("heartbeatInterval").GetProperty("seconds").GetInt64());
        var lapse = granted.GetProperty("tokenExpireAt").GetProperty("seconds").GetInt64();
        Assert.Equal(server.Clock.GetUtcNow().AddSeconds(60).ToUnixTimeSeconds(), lapse, tolerance: 1);
        Assert.Equal(1, granted.GetProperty("activeClientCount").GetInt32());
        Assert.Equal(3, granted.GetProperty("maxClientCount").GetInt32());
        Assert.Equal(license.LicenseId, granted.GetProperty("license").GetProperty("licenseId").GetString());
        Assert.Equal(Floating, granted.GetProperty("license").GetProperty("licensingMode").GetInt32());
        Assert.Equal(1, (await server.StoredLicenseRowAsync(license.LicenseId))!.GetInt32("LiveSeats"));
    }

    [Fact]
    public async Task The_same_machine_and_client_asking_again_gets_the_same_lease_renewed_and_no_new_seat()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 3);
        var first = (await server.CallAsync("v1/license/request", new { license.UserKey, machineId = "m1", clientId = "c1" })).RootElement;
        server.Clock.Advance(TimeSpan.FromSeconds(10));

        var again = (await server.CallAsync("v1/license/request", new { license.UserKey, machineId = "m1", clientId = "c1" })).RootElement;

        Assert.True(again.GetProperty("granted").GetBoolean());
        Assert.Equal(1, again.GetProperty("activeClientCount").GetInt32());
        var lease = SeatTokens.TokenId(first.GetProperty("licenseToken").GetString()!);
        Assert.Equal(lease, SeatTokens.TokenId(again.GetProperty("licenseToken").GetString()!));
        Assert.True(again.GetProperty("tokenExpireAt").GetProperty("seconds").GetInt64() > first.GetProperty("tokenExpireAt").GetProperty("seconds").GetInt64());
        var info = (await server.CallAsync("v1/license/info", new { license.UserKey, machineId = "m1" })).RootElement;
        Assert.Equal(lease, Assert.Single(info.GetProperty("licenseTokens").EnumerateArray()).GetProperty("token").GetString());
    }

    [Fact]
    public async Task When_every_seat_is_held_a_new_client_is_denied_with_seats_exhausted()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 2);
        await server.CallAsync("v1/license/request", new { license.UserKey, machineId = "m1" });
        await server.CallAsync("v1/license/request", new { license.UserKey, machineId = "m2" });

        var denied = (await server.CallAsync("v1/license/request", new { license.UserKey, machineId = "m3" })).RootElement;

        Assert.False(denied.GetProperty("granted").GetBoolean());
        Assert.Equal("seats_exhausted", denied.GetProperty("reason").GetString());
        Assert.False(string.IsNullOrEmpty(denied.GetProperty("message").GetString()));
        Assert.Equal(2, denied.GetProperty("activeClientCount").GetInt32());
        Assert.Equal(2, (await server.StoredLicenseRowAsync(license.LicenseId))!.GetInt32("LiveSeats"));
    }

    [Fact]
    public async Task A_heartbeat_extends_the_lease_and_answers_active()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 1, heartbeatSeconds: 20);
        var token = await RequestTokenAsync(license, "m1");
        server.Clock.Advance(TimeSpan.FromSeconds(15));

        var beat = (await server.CallAsync("v1/license/heartbeat", new { licenseToken = token, machineId = "m1" })).RootElement;

        Assert.True(beat.GetProperty("active").GetBoolean());
        Assert.Equal(server.Clock.GetUtcNow().AddSeconds(40).ToUnixTimeSeconds(), beat.GetProperty("tokenExpireAt").GetProperty("seconds").GetInt64(), tolerance: 1);
        Assert.Equal(20, beat.GetProperty("heartbeatInterval").GetProperty("seconds").GetInt64());
        Assert.Equal(1, beat.GetProperty("activeClientCount").GetInt32());
        Assert.Equal(1, beat.GetProperty("maxClientCount").GetInt32());
    }

    [Fact]
    public async Task Release_frees_the_seat_at_once_so_another_client_is_granted()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 1);
        var token = await RequestTokenAsync(license, "m1");

        var released = (await server.CallAsync("v1/license/release", new { licenseToken = token, machineId = "m1" })).RootElement;

        Assert.Equal(license.LicenseId, released.GetProperty("licenseId").GetString());
        Assert.Equal(0, released.GetProperty("activeClientCount").GetInt32());
        Assert.Equal(1, released.GetProperty("maxClientCount").GetInt32());
        var other = (await server.CallAsync("v1/license/request", new { license.UserKey, machineId = "m2" })).RootElement;
        Assert.True(other.GetProperty("granted").GetBoolean());
    }

    [Fact]
    public async Task Releasing_an_ended_lease_is_a_no_op_that_still_answers_200()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 2);
        var token = await RequestTokenAsync(license, "m1");
        await server.CallAsync("v1/license/release", new { licenseToken = token, machineId = "m1" });
        await server.CallAsync("v1/license/request", new { license.UserKey, machineId = "m2" });

        var again = (await server.CallAsync("v1/license/release", new { licenseToken = token, machineId = "m1" })).RootElement;

        Assert.Equal(1, again.GetProperty("activeClientCount").GetInt32());
        Assert.Equal(1, (await server.StoredLicenseRowAsync(license.LicenseId))!.GetInt32("LiveSeats"));
    }

    [Fact]
    public async Task A_heartbeat_after_release_answers_inactive_with_token_released()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 1);
        var token = await RequestTokenAsync(license, "m1");
        await server.CallAsync("v1/license/release", new { licenseToken = token, machineId = "m1" });

        var beat = (await server.CallAsync("v1/license/heartbeat", new { licenseToken = token, machineId = "m1" })).RootElement;

        Assert.False(beat.GetProperty("active").GetBoolean());
        Assert.Equal("token_released", beat.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_genuine_token_from_another_machine_is_refused_on_heartbeat_and_not_found_on_release()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 1);
        var token = await RequestTokenAsync(license, "m1");

        var beat = (await server.CallAsync("v1/license/heartbeat", new { licenseToken = token, machineId = "thief" })).RootElement;
        using var release = await server.PostAsync("v1/license/release", new { licenseToken = token, machineId = "thief" });

        Assert.False(beat.GetProperty("active").GetBoolean());
        Assert.Equal("machine_mismatch", beat.GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.NotFound, release.StatusCode);
        Assert.Equal("machine_mismatch", (await ServerFixture.ReadJsonAsync(release)).RootElement.GetProperty("code").GetString());
        Assert.Equal(1, (await server.StoredLicenseRowAsync(license.LicenseId))!.GetInt32("LiveSeats"));
    }

    [Fact]
    public async Task A_tampered_token_is_refused_as_invalid_without_any_storage_read()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 1);
        var token = await RequestTokenAsync(license, "m1");
        var parts = token.Split('.');
        var tampered = parts[0] + "." + parts[1][..^2] + (parts[1][^2] == 'A' ? "BA" : "AA") + "." + parts[2];
        await server.CallAsync("v1/license/heartbeat", new { licenseToken = token, machineId = "m1" });
        server.StorageRequests.Reset();

        var beat = (await server.CallAsync("v1/license/heartbeat", new { licenseToken = tampered, machineId = "m1" })).RootElement;
        var readsForHeartbeat = server.StorageRequests.Count;
        using var release = await server.PostAsync("v1/license/release", new { licenseToken = "garbage", machineId = "m1" });

        Assert.False(beat.GetProperty("active").GetBoolean());
        Assert.Equal("invalid_token", beat.GetProperty("reason").GetString());
        Assert.Equal(0, readsForHeartbeat);
        Assert.Equal(HttpStatusCode.NotFound, release.StatusCode);
        Assert.Equal("invalid_token", (await ServerFixture.ReadJsonAsync(release)).RootElement.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Validate_succeeds_for_a_client_holding_a_live_lease_and_says_token_not_found_otherwise()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 2);
        await RequestTokenAsync(license, "m1", "c1");

        var holder = (await server.CallAsync("v1/license/validate", new { license.UserKey, machineId = "m1", clientId = "c1" })).RootElement;
        var stranger = (await server.CallAsync("v1/license/validate", new { license.UserKey, machineId = "m9", clientId = "c1" })).RootElement;

        Assert.True(holder.GetProperty("success").GetBoolean());
        Assert.False(string.IsNullOrEmpty(holder.GetProperty("licenseToken").GetString()));
        Assert.False(stranger.GetProperty("success").GetBoolean());
        Assert.Equal("token_not_found", stranger.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Validate_after_the_license_expiry_was_brought_forward_states_no_lease_expiry_after_the_license()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 1, heartbeatSeconds: 60);
        await RequestTokenAsync(license, "m1", "c1");
        var expireAt = server.Clock.GetUtcNow().AddSeconds(30);
        await server.SendForJsonAsync(HttpMethod.Patch, $"v1/admin/licenses/{license.LicenseId}",
            new { expireAt = new { seconds = expireAt.ToUnixTimeSeconds(), nanos = 0 } }, ServerFixture.AdminKey);

        var valid = (await server.CallAsync("v1/license/validate", new { license.UserKey, machineId = "m1", clientId = "c1" })).RootElement;

        Assert.True(valid.GetProperty("success").GetBoolean(), valid.GetRawText());
        Assert.Equal(expireAt.ToUnixTimeSeconds(), valid.GetProperty("tokenExpireAt").GetProperty("seconds").GetInt64());
    }

    [Fact]
    public async Task Info_lists_every_token_by_its_public_id_never_the_bearer_token()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 3);
        var token = await RequestTokenAsync(license, "m1", "c1", "Alice's laptop");
        await RequestTokenAsync(license, "m2", "c2");
        await server.CallAsync("v1/license/release", new { licenseToken = token, machineId = "m1" });

        var info = (await server.CallAsync("v1/license/info", new { license.UserKey, machineId = "m1" })).RootElement;

        var tokens = info.GetProperty("licenseTokens").EnumerateArray().ToList();
        Assert.Equal(2, tokens.Count);
        Assert.All(tokens, t => Assert.StartsWith("fltk_", t.GetProperty("token").GetString(), StringComparison.Ordinal));
        Assert.DoesNotContain(token, info.GetRawText(), StringComparison.Ordinal);
        var released = tokens.Single(t => t.GetProperty("machineId").GetString() == "m1");
        Assert.True(released.GetProperty("revoked").GetBoolean());
        Assert.Equal("Alice's laptop", released.GetProperty("clientName").GetString());
        Assert.True(released.TryGetProperty("lastHearbeat", out _));
        Assert.Equal(1, info.GetProperty("activeClientCount").GetInt32());
        Assert.Equal(3, info.GetProperty("maxClientCount").GetInt32());
    }

    private async Task<string> RequestTokenAsync(License license, string machineId, string? clientId = null, string? clientName = null)
    {
        var granted = (await server.CallAsync("v1/license/request", new { license.UserKey, machineId, clientId, clientName })).RootElement;
        Assert.True(granted.GetProperty("granted").GetBoolean(), granted.GetRawText());
        return granted.GetProperty("licenseToken").GetString()!;
    }
}
