using System.Net;
using System.Text.Json;
using Licensing.Tests.Support;

namespace Licensing.Tests.EndToEnd;

/// <summary>
/// Heartbeats and floating validates take the license's terms from the instance's license cache: storage requests
/// counted by the table client's pipeline policy, with the API key and the license already cached.
/// </summary>
public sealed class LicenseCacheTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_heartbeat_with_a_warm_cache_costs_two_storage_requests_the_lease_read_and_its_renewal()
    {
        var (_, token) = await LeaseAsync("m1");

        var (beat, requests) = await CountAsync(() => server.CallAsync("v1/license/heartbeat", new { licenseToken = token, machineId = "m1" }));

        Assert.True(beat.RootElement.GetProperty("active").GetBoolean(), beat.RootElement.GetRawText());
        Assert.Equal(1, beat.RootElement.GetProperty("activeClientCount").GetInt32());
        Assert.Equal(2, requests);
    }

    [Fact]
    public async Task A_floating_validate_with_a_warm_cache_costs_one_storage_request()
    {
        var (license, _) = await LeaseAsync("m1");

        var (validated, requests) = await CountAsync(() => server.CallAsync("v1/license/validate", new { license.UserKey, machineId = "m1" }));

        Assert.True(validated.RootElement.GetProperty("success").GetBoolean(), validated.RootElement.GetRawText());
        Assert.Equal(1, requests);
    }

    [Fact]
    public async Task A_heartbeat_after_the_cached_copy_aged_out_reads_the_license_again_then_is_cheap_again()
    {
        var (_, token) = await LeaseAsync("m1");
        server.Clock.Advance(Ttl);

        var (_, cold) = await CountAsync(() => server.CallAsync("v1/license/heartbeat", new { licenseToken = token, machineId = "m1" }));
        var (_, warm) = await CountAsync(() => server.CallAsync("v1/license/heartbeat", new { licenseToken = token, machineId = "m1" }));

        Assert.Equal(3, cold);
        Assert.Equal(2, warm);
    }

    [Fact]
    public async Task A_suspension_refuses_the_next_heartbeat_on_the_instance_that_made_it_at_once()
    {
        var (license, token) = await LeaseAsync("m1");

        await server.SendForJsonAsync(HttpMethod.Patch, $"v1/admin/licenses/{license.LicenseId}", new { suspended = true }, ServerFixture.AdminKey);
        var beat = (await server.CallAsync("v1/license/heartbeat", new { licenseToken = token, machineId = "m1" })).RootElement;

        Assert.False(beat.GetProperty("active").GetBoolean());
        Assert.Equal("license_suspended", beat.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_deletion_refuses_the_next_heartbeat_on_the_instance_that_made_it_with_license_not_found()
    {
        var (license, token) = await LeaseAsync("m1");

        using var deleted = await server.SendAsync(HttpMethod.Delete, $"v1/admin/licenses/{license.LicenseId}", null, ServerFixture.AdminKey);
        var beat = (await server.CallAsync("v1/license/heartbeat", new { licenseToken = token, machineId = "m1" })).RootElement;

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.False(beat.GetProperty("active").GetBoolean());
        Assert.Equal("license_not_found", beat.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task With_the_cache_off_a_heartbeat_reads_the_license_every_time()
    {
        await using var uncached = await ServerFixture.StartAsync(s => s["Licensing:LicenseCacheTtl"] = "00:00:00");
        var license = await uncached.CreateLicenseAsync(mode: 2, seats: 5);
        var token = (await uncached.CallAsync("v1/license/request", new { license.UserKey, machineId = "m1" })).RootElement.GetProperty("licenseToken").GetString();

        uncached.StorageRequests.Reset();
        var beat = (await uncached.CallAsync("v1/license/heartbeat", new { licenseToken = token, machineId = "m1" })).RootElement;

        Assert.True(beat.GetProperty("active").GetBoolean(), beat.GetRawText());
        Assert.Equal(3, uncached.StorageRequests.Count);
    }

    /// <summary>A fresh floating license with one lease; the grant read the license fresh, so the cache is warm.</summary>
    private async Task<(License License, string Token)> LeaseAsync(string machineId)
    {
        var license = await server.CreateLicenseAsync(mode: 2, seats: 5);
        var granted = (await server.CallAsync("v1/license/request", new { license.UserKey, machineId })).RootElement;
        Assert.True(granted.GetProperty("granted").GetBoolean(), granted.GetRawText());
        return (license, granted.GetProperty("licenseToken").GetString()!);
    }

    private async Task<(JsonDocument Body, int Requests)> CountAsync(Func<Task<JsonDocument>> call)
    {
        server.StorageRequests.Reset();
        var body = await call();
        return (body, server.StorageRequests.Count);
    }
}
