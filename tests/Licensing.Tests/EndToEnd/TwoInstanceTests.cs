using System.Net;
using System.Text.Json;
using Licensing.Tests.Support;

namespace Licensing.Tests.EndToEnd;

/// <summary>
/// Two instances on one Azurite, as a scaled-out app runs: seats stay exact across them, tokens work on either, and a
/// change made on one reaches the other within the documented bounds (license cache TTL, API key cache 60 s).
/// </summary>
public sealed class TwoInstanceTests(TwoInstances instances) : IClassFixture<TwoInstances>
{
    private ServerFixture A => instances.A;

    private ServerFixture B => instances.B;

    [Fact]
    public async Task Sixty_requests_racing_across_two_instances_grant_exactly_the_seat_count()
    {
        var license = await A.CreateLicenseAsync(mode: 2, seats: 10);
        // 60 grants racing on one license row on a busy machine may outlast a call's bounded retries: clients retry a 503.
        var callers = new[] { new PatientCaller(A), new PatientCaller(B) };

        var contenders = Enumerable.Range(0, 60)
            .Select(i => callers[i % 2].CallAsync("v1/license/request", new { license.UserKey, machineId = $"machine-{i}" }))
            .ToArray();
        var answers = await Task.WhenAll(contenders);

        Assert.Equal(60, answers.Length);
        Assert.Equal(10, answers.Count(a => a.GetProperty("granted").GetBoolean()));
        Assert.All(answers.Where(a => !a.GetProperty("granted").GetBoolean()), a => Assert.Equal("seats_exhausted", a.GetProperty("reason").GetString()));
        Assert.Equal(10, (await A.StoredLicenseRowAsync(license.LicenseId))!.GetInt32("LiveSeats"));
        var info = (await B.CallAsync("v1/license/info", new { license.UserKey, machineId = "machine-0" })).RootElement;
        Assert.Equal(10, info.GetProperty("activeClientCount").GetInt32());
    }

    [Fact]
    public async Task A_token_granted_by_one_instance_heartbeats_on_the_other()
    {
        var license = await A.CreateLicenseAsync(mode: 2, seats: 3);
        var token = await RequestAsync(A, license, "m1");

        var beat = (await B.CallAsync("v1/license/heartbeat", new { licenseToken = token, machineId = "m1" })).RootElement;

        Assert.True(beat.GetProperty("active").GetBoolean(), beat.GetRawText());
        Assert.Equal(1, beat.GetProperty("activeClientCount").GetInt32());
        Assert.Equal(3, beat.GetProperty("maxClientCount").GetInt32());
    }

    [Fact]
    public async Task A_suspension_on_one_instance_refuses_heartbeats_on_the_other_once_its_cached_copy_ages_out()
    {
        var license = await A.CreateLicenseAsync(mode: 2, seats: 3);
        var token = await RequestAsync(A, license, "m1");
        Assert.True(await HeartbeatOnBAsync(token) is { Active: true });

        await A.SendForJsonAsync(HttpMethod.Patch, $"v1/admin/licenses/{license.LicenseId}", new { suspended = true }, ServerFixture.AdminKey);
        var withinTtl = await HeartbeatOnBAsync(token);
        instances.Clock.Advance(TwoInstances.LicenseCacheTtl);
        var afterTtl = await HeartbeatOnBAsync(token);

        Assert.Equal((true, (string?)null), withinTtl);
        Assert.Equal((false, "license_suspended"), afterTtl);
    }

    [Fact]
    public async Task A_deletion_on_one_instance_refuses_heartbeats_on_the_other_at_once_and_as_not_found_after_the_ttl()
    {
        var license = await A.CreateLicenseAsync(mode: 2, seats: 3);
        var token = await RequestAsync(A, license, "m1");
        Assert.True(await HeartbeatOnBAsync(token) is { Active: true });

        using var deleted = await A.SendAsync(HttpMethod.Delete, $"v1/admin/licenses/{license.LicenseId}", null, ServerFixture.AdminKey);
        var withinTtl = await HeartbeatOnBAsync(token);
        instances.Clock.Advance(TwoInstances.LicenseCacheTtl);
        var afterTtl = await HeartbeatOnBAsync(token);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        // Within the TTL B still holds the license's terms, but the deletion removed the lease row itself.
        Assert.Equal((false, "token_not_found"), withinTtl);
        Assert.Equal((false, "license_not_found"), afterTtl);
    }

    [Fact]
    public async Task An_api_key_deleted_on_one_instance_stops_on_the_other_when_its_sixty_second_copy_ages_out()
    {
        var (id, key) = await CreateClientKeyAsync();
        var license = await A.CreateLicenseAsync(mode: 2, seats: 3);
        Assert.Equal(HttpStatusCode.OK, await InfoOnBAsync(license, key));

        using var deleted = await A.SendAsync(HttpMethod.Delete, $"v1/admin/api-keys/{id}", null, ServerFixture.AdminKey);
        var onA = await InfoOnAsync(A, license, key);
        var onBRightAway = await InfoOnBAsync(license, key);
        instances.Clock.Advance(TimeSpan.FromSeconds(60));
        var onBAfterSixtySeconds = await InfoOnBAsync(license, key);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, onA);
        Assert.Equal(HttpStatusCode.OK, onBRightAway);
        Assert.Equal(HttpStatusCode.Unauthorized, onBAfterSixtySeconds);
    }

    [Fact]
    public async Task Using_a_deleted_key_on_the_other_instance_does_not_extend_its_sixty_seconds()
    {
        var (id, key) = await CreateClientKeyAsync();
        var license = await A.CreateLicenseAsync(mode: 2, seats: 3);
        Assert.Equal(HttpStatusCode.OK, await InfoOnBAsync(license, key));
        instances.Clock.Advance(TimeSpan.FromSeconds(10));
        using var deleted = await A.SendAsync(HttpMethod.Delete, $"v1/admin/api-keys/{id}", null, ServerFixture.AdminKey);

        var answers = new List<HttpStatusCode>();
        for (var second = 20; second <= 60; second += 10)
        {
            instances.Clock.Advance(TimeSpan.FromSeconds(10));
            answers.Add(await InfoOnBAsync(license, key));
        }

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Unauthorized], answers);
    }

    private async Task<(bool Active, string? Reason)> HeartbeatOnBAsync(string token)
    {
        var beat = (await B.CallAsync("v1/license/heartbeat", new { licenseToken = token, machineId = "m1" })).RootElement;
        return (beat.GetProperty("active").GetBoolean(), beat.TryGetProperty("reason", out var reason) ? reason.GetString() : null);
    }

    private static async Task<string> RequestAsync(ServerFixture server, License license, string machineId)
    {
        var granted = (await server.CallAsync("v1/license/request", new { license.UserKey, machineId })).RootElement;
        Assert.True(granted.GetProperty("granted").GetBoolean(), granted.GetRawText());
        return granted.GetProperty("licenseToken").GetString()!;
    }

    private async Task<(string Id, string Key)> CreateClientKeyAsync()
    {
        var created = (await A.AdminPostAsync("v1/admin/api-keys", new { name = $"two-instances-{Guid.NewGuid():N}", scope = "client" })).RootElement;
        return (created.GetProperty("id").GetString()!, created.GetProperty("key").GetString()!);
    }

    private Task<HttpStatusCode> InfoOnBAsync(License license, string key) => InfoOnAsync(B, license, key);

    private static async Task<HttpStatusCode> InfoOnAsync(ServerFixture server, License license, string key)
    {
        using var response = await server.PostAsync("v1/license/info", new { license.UserKey, machineId = "m1" }, key);
        return response.StatusCode;
    }
}
