using System.Buffers.Text;
using System.Net;
using System.Text.Json;
using Licensing.Tests.Support;

namespace Licensing.Tests.EndToEnd;

public sealed class ActivationTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const int Activation = 1;

    [Fact]
    public async Task Activate_binds_the_machine_and_returns_a_token_valid_for_thirty_days()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 2);

        var activated = (await server.CallAsync("v1/license/activate", new { license.UserKey, machineId = "pc-1", clientName = "Front desk" })).RootElement;

        Assert.True(activated.GetProperty("success").GetBoolean());
        Assert.False(string.IsNullOrEmpty(activated.GetProperty("licenseToken").GetString()));
        Assert.Equal(server.Clock.GetUtcNow().AddDays(30).ToUnixTimeSeconds(), activated.GetProperty("tokenExpireAt").GetProperty("seconds").GetInt64(), tolerance: 1);
        Assert.Equal(1, activated.GetProperty("activeClientCount").GetInt32());
        Assert.Equal(2, activated.GetProperty("maxClientCount").GetInt32());
        Assert.Equal(Activation, activated.GetProperty("license").GetProperty("licensingMode").GetInt32());
        Assert.Equal(1, (await server.StoredLicenseRowAsync(license.LicenseId))!.GetInt32("LiveSeats"));
    }

    [Fact]
    public async Task The_activation_token_never_outlives_the_license()
    {
        var expireAt = server.Clock.GetUtcNow().AddDays(3);
        var license = await server.CreateLicenseAsync(Activation, seats: 1, extra: new { expireAt = new { seconds = expireAt.ToUnixTimeSeconds(), nanos = 0 } });

        var activated = (await server.CallAsync("v1/license/activate", new { license.UserKey, machineId = "pc-1" })).RootElement;

        Assert.Equal(expireAt.ToUnixTimeSeconds(), activated.GetProperty("tokenExpireAt").GetProperty("seconds").GetInt64());
    }

    [Fact]
    public async Task Activating_again_after_the_license_expiry_was_brought_forward_answers_a_token_that_expires_with_the_license()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 1);
        await server.CallAsync("v1/license/activate", new { license.UserKey, machineId = "pc-1" });
        var expireAt = server.Clock.GetUtcNow().AddHours(1);
        await server.SendForJsonAsync(HttpMethod.Patch, $"v1/admin/licenses/{license.LicenseId}",
            new { expireAt = new { seconds = expireAt.ToUnixTimeSeconds(), nanos = 0 } }, ServerFixture.AdminKey);

        var again = (await server.CallAsync("v1/license/activate", new { license.UserKey, machineId = "pc-1" })).RootElement;

        Assert.True(again.GetProperty("success").GetBoolean());
        Assert.Equal(expireAt.ToUnixTimeSeconds(), again.GetProperty("tokenExpireAt").GetProperty("seconds").GetInt64());
        var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(again.GetProperty("licenseToken").GetString()!.Split('.')[1])).RootElement;
        Assert.Equal(expireAt.ToUnixTimeSeconds(), claims.GetProperty("exp").GetInt64());
    }

    [Fact]
    public async Task Activating_an_activated_machine_again_returns_the_same_activation_and_takes_no_seat()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 2);
        await server.CallAsync("v1/license/activate", new { license.UserKey, machineId = "pc-1" });

        var again = (await server.CallAsync("v1/license/activate", new { license.UserKey, machineId = "pc-1" })).RootElement;

        Assert.True(again.GetProperty("success").GetBoolean());
        Assert.Equal(1, again.GetProperty("activeClientCount").GetInt32());
        var info = (await server.CallAsync("v1/license/info", new { license.UserKey, machineId = "pc-1" })).RootElement;
        Assert.Single(info.GetProperty("licenseTokens").EnumerateArray());
    }

    [Fact]
    public async Task A_new_machine_is_denied_with_seats_exhausted_when_every_seat_is_taken()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 1);
        await server.CallAsync("v1/license/activate", new { license.UserKey, machineId = "pc-1" });

        var denied = (await server.CallAsync("v1/license/activate", new { license.UserKey, machineId = "pc-2" })).RootElement;

        Assert.False(denied.GetProperty("success").GetBoolean());
        Assert.Equal("seats_exhausted", denied.GetProperty("reason").GetString());
        Assert.Equal(1, denied.GetProperty("activeClientCount").GetInt32());
    }

    [Fact]
    public async Task Deactivate_frees_the_seat_for_another_machine()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 1);
        await server.CallAsync("v1/license/activate", new { license.UserKey, machineId = "pc-1" });

        var freed = (await server.CallAsync("v1/license/deactivate", new { license.UserKey, machineId = "pc-1" })).RootElement;
        var next = (await server.CallAsync("v1/license/activate", new { license.UserKey, machineId = "pc-2" })).RootElement;

        Assert.Equal(license.LicenseId, freed.GetProperty("licenseId").GetString());
        Assert.Equal(0, freed.GetProperty("activeClientCount").GetInt32());
        Assert.True(next.GetProperty("success").GetBoolean());
    }

    [Fact]
    public async Task Deactivating_a_machine_without_an_activation_changes_nothing_and_answers_200()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 2);
        await server.CallAsync("v1/license/activate", new { license.UserKey, machineId = "pc-1" });

        var answer = (await server.CallAsync("v1/license/deactivate", new { license.UserKey, machineId = "never-seen" })).RootElement;

        Assert.Equal(1, answer.GetProperty("activeClientCount").GetInt32());
        Assert.Equal(1, (await server.StoredLicenseRowAsync(license.LicenseId))!.GetInt32("LiveSeats"));
    }

    [Fact]
    public async Task Validate_renews_the_activation_token_and_says_not_activated_for_a_stranger()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 1);
        var first = (await server.CallAsync("v1/license/activate", new { license.UserKey, machineId = "pc-1" })).RootElement;
        server.Clock.Advance(TimeSpan.FromDays(10));

        var renewed = (await server.CallAsync("v1/license/validate", new { license.UserKey, machineId = "pc-1" })).RootElement;
        var stranger = (await server.CallAsync("v1/license/validate", new { license.UserKey, machineId = "pc-9" })).RootElement;

        Assert.True(renewed.GetProperty("success").GetBoolean());
        Assert.NotEqual(first.GetProperty("licenseToken").GetString(), renewed.GetProperty("licenseToken").GetString());
        Assert.Equal(
            first.GetProperty("tokenExpireAt").GetProperty("seconds").GetInt64() + (long)TimeSpan.FromDays(10).TotalSeconds,
            renewed.GetProperty("tokenExpireAt").GetProperty("seconds").GetInt64(),
            tolerance: 1);
        Assert.False(stranger.GetProperty("success").GetBoolean());
        Assert.Equal("not_activated", stranger.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task An_activation_does_not_lapse_on_its_own()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 1);
        await server.CallAsync("v1/license/activate", new { license.UserKey, machineId = "pc-1" });
        server.Clock.Advance(TimeSpan.FromDays(45));
        await server.RunExpiryTimerAsync();

        var validated = (await server.CallAsync("v1/license/validate", new { license.UserKey, machineId = "pc-1" })).RootElement;
        var other = (await server.CallAsync("v1/license/activate", new { license.UserKey, machineId = "pc-2" })).RootElement;

        Assert.True(validated.GetProperty("success").GetBoolean());
        Assert.Equal("seats_exhausted", other.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_deactivated_machine_shows_in_info_for_the_default_seven_days_then_is_purged_at_that_moment()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 1);
        await server.CallAsync("v1/license/activate", new { license.UserKey, machineId = "pc-1" });
        await server.CallAsync("v1/license/deactivate", new { license.UserKey, machineId = "pc-1" });
        await server.RunExpiryTimerAsync();

        server.Clock.Advance(TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1));
        await server.RunExpiryTimerAsync();
        var before = (await server.CallAsync("v1/license/info", new { license.UserKey, machineId = "pc-1" })).RootElement;
        server.Clock.Advance(TimeSpan.FromSeconds(1));
        await server.RunExpiryTimerAsync();

        var ended = Assert.Single(before.GetProperty("licenseTokens").EnumerateArray());
        Assert.True(ended.GetProperty("revoked").GetBoolean());
        Assert.Equal("deactivated", ended.GetProperty("state").GetString());
        Assert.Equal(["license"], (await server.StoredRowsAsync(license.LicenseId)).Select(r => r.RowKey));
    }

    [Fact]
    public async Task Floating_calls_on_an_activation_license_are_denied_with_wrong_licensing_mode()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 1);
        var token = (await server.CallAsync("v1/license/activate", new { license.UserKey, machineId = "pc-1" })).RootElement.GetProperty("licenseToken").GetString();

        var request = (await server.CallAsync("v1/license/request", new { license.UserKey, machineId = "pc-1" })).RootElement;
        var beat = (await server.CallAsync("v1/license/heartbeat", new { licenseToken = token, machineId = "pc-1" })).RootElement;
        using var release = await server.PostAsync("v1/license/release", new { licenseToken = token, machineId = "pc-1" });

        Assert.Equal("wrong_licensing_mode", request.GetProperty("reason").GetString());
        Assert.Equal("wrong_licensing_mode", beat.GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.Conflict, release.StatusCode);
        Assert.Equal("wrong_licensing_mode", (await ServerFixture.ReadJsonAsync(release)).RootElement.GetProperty("code").GetString());
        Assert.Equal(1, (await server.StoredLicenseRowAsync(license.LicenseId))!.GetInt32("LiveSeats"));
    }

    [Fact]
    public async Task Activation_calls_on_a_floating_license_are_denied_with_wrong_licensing_mode()
    {
        var license = await server.CreateLicenseAsync(mode: 2, seats: 1);

        var activate = (await server.CallAsync("v1/license/activate", new { license.UserKey, machineId = "pc-1" })).RootElement;
        using var deactivate = await server.PostAsync("v1/license/deactivate", new { license.UserKey, machineId = "pc-1" });

        Assert.Equal("wrong_licensing_mode", activate.GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.Conflict, deactivate.StatusCode);
    }

    [Fact]
    public async Task A_file_license_validates_with_its_signed_document_and_no_seat()
    {
        var license = await server.CreateLicenseAsync(mode: 0, seats: 1);

        var validated = (await server.CallAsync("v1/license/validate", new { license.UserKey, machineId = "any" })).RootElement;
        var activate = (await server.CallAsync("v1/license/activate", new { license.UserKey, machineId = "any" })).RootElement;

        Assert.True(validated.GetProperty("success").GetBoolean());
        Assert.NotEmpty(validated.GetProperty("license").GetProperty("licenseKey").EnumerateArray());
        Assert.Equal("wrong_licensing_mode", activate.GetProperty("reason").GetString());
    }
}
