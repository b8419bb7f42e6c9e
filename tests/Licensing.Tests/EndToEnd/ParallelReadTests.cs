using Licensing.Storage;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Tests.EndToEnd;

/// <summary>
/// A client call reads its seat rows by point reads sent together, then its license row: a cost that does not grow
/// with the seats and audit events its partition holds, and a license row that counts every seat the seat reads saw.
/// </summary>
public sealed class ParallelReadTests : IAsyncLifetime
{
    private readonly ReadBarrier _barrier = new(parties: 2);
    private ServerFixture _server = null!;

    public async Task InitializeAsync() =>
        _server = await ServerFixture.StartAsync(_ => { }, configure: builder =>
            builder.Services.Configure<TablePipelineOptions>(o => o.PerCallPolicies.Add(_barrier)));

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task A_heartbeat_with_its_license_cache_cold_reads_its_lease_then_its_license()
    {
        var license = await _server.CreateLicenseAsync(mode: 2, seats: 2);
        var granted = (await _server.CallAsync("v1/license/request", new { license.UserKey, machineId = "m1" })).RootElement;
        var token = granted.GetProperty("licenseToken").GetString();
        // Past the license cache's TTL (5 s): this heartbeat reads the license row again, after its lease.
        _server.Clock.Advance(TimeSpan.FromSeconds(5));

        _server.StorageRequests.Reset();
        var beat = (await _server.CallAsync("v1/license/heartbeat", new { licenseToken = token, machineId = "m1" })).RootElement;
        var requests = _server.StorageRequests.Requests;

        Assert.True(beat.GetProperty("active").GetBoolean(), beat.GetRawText());
        Assert.Equal(3, requests.Count);
        Assert.Equal(["GET", "GET", "PATCH"], requests.Select(r => r.Method));
        Assert.Contains("RowKey='seat|lease|", Uri.UnescapeDataString(requests[0].Uri.AbsolutePath), StringComparison.Ordinal);
        Assert.Contains("RowKey='license'", Uri.UnescapeDataString(requests[1].Uri.AbsolutePath), StringComparison.Ordinal);
        Assert.Equal(3, _server.StorageRequests.RoundTrips);
    }

    [Fact]
    public async Task A_validate_reads_its_license_activation_and_lease_together()
    {
        var license = await _server.CreateLicenseAsync(mode: 1, seats: 2);
        await _server.CallAsync("v1/license/activate", new { license.UserKey, machineId = "pc-1" });

        _barrier.Arm();
        var valid = (await _server.CallAsync("v1/license/validate", new { license.UserKey, machineId = "pc-1" })).RootElement;
        _barrier.Disarm();

        Assert.True(valid.GetProperty("success").GetBoolean(), valid.GetRawText());
        Assert.True(_barrier.MostInFlight >= 2, $"at most {_barrier.MostInFlight} reads were in flight together");
    }
}
