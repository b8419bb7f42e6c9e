using System.Net;
using System.Text.Json;
using Licensing.Tests.Support;

namespace Licensing.Tests.EndToEnd;

/// <summary>Grace after expiry, over real HTTP with the moved clock: this class has its own server, clock and tables.</summary>
public sealed class GraceTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const int Activation = 1;
    private const int Floating = 2;
    private static readonly TimeSpan Grace = TimeSpan.FromHours(2);

    [Fact]
    public async Task An_activation_license_in_grace_answers_in_grace_with_the_grace_end_and_caps_the_token_there()
    {
        var (license, expireAt) = await CreateExpiringAsync(Activation, seats: 1);
        var graceEndsAt = expireAt + Grace;
        var before = (await server.CallAsync("v1/license/activate", new { license.UserKey, machineId = "m1" })).RootElement;

        server.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));
        var activated = (await server.CallAsync("v1/license/activate", new { license.UserKey, machineId = "m1" })).RootElement;
        var validated = (await server.CallAsync("v1/license/validate", new { license.UserKey, machineId = "m1" })).RootElement;
        var info = (await server.CallAsync("v1/license/info", new { license.UserKey, machineId = "m1" })).RootElement;

        Assert.False(before.TryGetProperty("inGrace", out _));
        Assert.False(before.TryGetProperty("graceEndsAt", out _));
        Assert.Equal(graceEndsAt.ToUnixTimeSeconds(), Seconds(before, "tokenExpireAt"));
        foreach (var answer in new[] { activated, validated })
        {
            Assert.True(answer.GetProperty("success").GetBoolean(), answer.GetRawText());
            Assert.True(answer.GetProperty("inGrace").GetBoolean());
            Assert.Equal(graceEndsAt.ToUnixTimeSeconds(), Seconds(answer, "graceEndsAt"));
            Assert.Equal(graceEndsAt.ToUnixTimeSeconds(), Seconds(answer, "tokenExpireAt"));
            Assert.Equal(expireAt.ToUnixTimeSeconds(), answer.GetProperty("license").GetProperty("expireAt").GetProperty("seconds").GetInt64());
        }

        Assert.True(info.GetProperty("inGrace").GetBoolean());
        Assert.Equal(graceEndsAt.ToUnixTimeSeconds(), Seconds(info, "graceEndsAt"));
    }

    [Fact]
    public async Task A_license_that_expires_at_the_end_of_the_year_9999_with_a_grace_period_activates_leases_and_validates()
    {
        using var created = await server.AdminPostAsync("v1/admin/licenses", new
        {
            licensingMode = Floating, maxClientCount = 2, expireAt = new { seconds = 253_402_300_799L, nanos = 0 }, gracePeriod = new { seconds = 30 * 86_400, nanos = 0 },
            heartbeatInterval = new { seconds = 60, nanos = 0 },
        });
        var userKey = created.RootElement.GetProperty("userKey").GetString();

        using var granted = await server.PostAsync("v1/license/request", new { userKey, machineId = "m1" });
        using var validated = await server.PostAsync("v1/license/validate", new { userKey, machineId = "m1" });
        using var info = await server.PostAsync("v1/license/info", new { userKey, machineId = "m1" });

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK), (granted.StatusCode, validated.StatusCode, info.StatusCode));
        var grant = (await ServerFixture.ReadJsonAsync(granted)).RootElement;
        Assert.True(grant.GetProperty("granted").GetBoolean(), grant.GetRawText());
        Assert.False(grant.TryGetProperty("inGrace", out _));
        Assert.Equal((server.Clock.GetUtcNow() + TimeSpan.FromSeconds(120)).ToUnixTimeSeconds(), Seconds(grant, "tokenExpireAt"));
    }

    [Fact]
    public async Task A_lease_in_grace_is_capped_at_the_grace_end_and_at_the_grace_end_every_call_answers_license_expired()
    {
        var (license, expireAt) = await CreateExpiringAsync(Floating, seats: 1);
        var graceEndsAt = expireAt + Grace;

        server.Clock.Advance(TimeSpan.FromHours(3) - TimeSpan.FromSeconds(30));
        var granted = (await server.CallAsync("v1/license/request", new { license.UserKey, machineId = "m1" })).RootElement;
        var token = granted.GetProperty("licenseToken").GetString()!;
        var beat = (await server.CallAsync("v1/license/heartbeat", new { licenseToken = token, machineId = "m1" })).RootElement;

        server.Clock.Advance(TimeSpan.FromSeconds(30));
        var lateBeat = (await server.CallAsync("v1/license/heartbeat", new { licenseToken = token, machineId = "m1" })).RootElement;
        var lateRequest = (await server.CallAsync("v1/license/request", new { license.UserKey, machineId = "m2" })).RootElement;
        var lateValidate = (await server.CallAsync("v1/license/validate", new { license.UserKey, machineId = "m1" })).RootElement;

        Assert.True(granted.GetProperty("granted").GetBoolean(), granted.GetRawText());
        Assert.True(granted.GetProperty("inGrace").GetBoolean());
        Assert.Equal(graceEndsAt.ToUnixTimeSeconds(), Seconds(granted, "graceEndsAt"));
        Assert.Equal(graceEndsAt.ToUnixTimeSeconds(), Seconds(granted, "tokenExpireAt"));
        Assert.True(beat.GetProperty("active").GetBoolean(), beat.GetRawText());
        Assert.True(beat.GetProperty("inGrace").GetBoolean());
        Assert.Equal(graceEndsAt.ToUnixTimeSeconds(), Seconds(beat, "graceEndsAt"));
        Assert.Equal(graceEndsAt.ToUnixTimeSeconds(), Seconds(beat, "tokenExpireAt"));
        Assert.Equal("license_expired", lateBeat.GetProperty("reason").GetString());
        Assert.False(lateBeat.TryGetProperty("inGrace", out _));
        Assert.Equal("license_expired", lateRequest.GetProperty("reason").GetString());
        Assert.Equal("license_expired", lateValidate.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_license_without_grace_stops_at_its_expiry_as_before()
    {
        var expireAt = WholeSecondsFromNow(TimeSpan.FromHours(1));
        var license = await server.CreateLicenseAsync(Activation, seats: 1, extra: new { expireAt = Stamp(expireAt) });

        server.Clock.Advance(TimeSpan.FromHours(1));
        var activated = (await server.CallAsync("v1/license/activate", new { license.UserKey, machineId = "m1" })).RootElement;

        Assert.Equal("license_expired", activated.GetProperty("reason").GetString());
        Assert.False(activated.TryGetProperty("inGrace", out _));
    }

    [Fact]
    public async Task A_revoked_license_in_grace_answers_license_revoked_first()
    {
        var (license, _) = await CreateExpiringAsync(Activation, seats: 1);
        await server.SendForJsonAsync(HttpMethod.Patch, $"v1/admin/licenses/{license.LicenseId}", new { revoked = true }, ServerFixture.AdminKey);

        server.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));
        var activated = (await server.CallAsync("v1/license/activate", new { license.UserKey, machineId = "m1" })).RootElement;

        Assert.Equal("license_revoked", activated.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task The_admin_view_shows_and_patches_the_grace_period_and_refuses_more_than_90_days()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 1, extra: new { gracePeriod = new { seconds = 3600, nanos = 0 } });
        var patched = (await server.SendForJsonAsync(
            HttpMethod.Patch, $"v1/admin/licenses/{license.LicenseId}", new { gracePeriod = new { seconds = 7200, nanos = 0 } }, ServerFixture.AdminKey)).RootElement;
        using var tooLong = await server.SendAsync(
            HttpMethod.Patch, $"v1/admin/licenses/{license.LicenseId}", new { gracePeriod = new { seconds = (90 * 86400) + 1, nanos = 0 } }, ServerFixture.AdminKey);
        var problem = (await ServerFixture.ReadJsonAsync(tooLong)).RootElement;

        Assert.Equal(7200, patched.GetProperty("gracePeriod").GetProperty("seconds").GetInt64());
        Assert.Equal(0, patched.GetProperty("maxBorrowDuration").GetProperty("seconds").GetInt64());
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Equal("must be between 0 and 7776000 seconds.", problem.GetProperty("errors").GetProperty("gracePeriod")[0].GetString());
    }

    [Fact]
    public async Task A_license_made_from_a_policy_copies_its_grace_period()
    {
        var policy = (await server.AdminPostAsync("v1/admin/policies", new
        {
            name = "graceful",
            licensingMode = Activation,
            maxClientCount = 1,
            gracePeriod = new { seconds = 86400, nanos = 0 },
        })).RootElement;
        var license = (await server.AdminPostAsync("v1/admin/licenses", new { policyId = policy.GetProperty("policyId").GetString() })).RootElement;

        Assert.Equal(86400, policy.GetProperty("gracePeriod").GetProperty("seconds").GetInt64());
        Assert.Equal(86400, license.GetProperty("gracePeriod").GetProperty("seconds").GetInt64());
    }

    private async Task<(License License, DateTimeOffset ExpireAt)> CreateExpiringAsync(int mode, int seats)
    {
        var expireAt = WholeSecondsFromNow(TimeSpan.FromHours(1));
        var license = await server.CreateLicenseAsync(mode, seats, extra: new
        {
            expireAt = Stamp(expireAt),
            gracePeriod = new { seconds = (long)Grace.TotalSeconds, nanos = 0 },
        });
        return (license, expireAt);
    }

    private DateTimeOffset WholeSecondsFromNow(TimeSpan span) =>
        DateTimeOffset.FromUnixTimeSeconds((server.Clock.GetUtcNow() + span).ToUnixTimeSeconds());

    private static object Stamp(DateTimeOffset at) => new { seconds = at.ToUnixTimeSeconds(), nanos = 0 };

    private static long Seconds(JsonElement answer, string name) => answer.GetProperty(name).GetProperty("seconds").GetInt64();
}
