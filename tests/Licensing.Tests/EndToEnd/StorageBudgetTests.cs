using Licensing.Tests.Support;

namespace Licensing.Tests.EndToEnd;

/// <summary>
/// Storage requests per call, counted by a pipeline policy on the table client, with the API key already cached.
/// A call's reads (the license row and its seat rows, by point reads) go out together, so the round trips of
/// latency are fewer: heartbeat 3 requests in 2 round trips, floating validate 3 in 1, request 4 in 3, renewing
/// request 3 in 2, release 3 in 2, activate 3 in 2, repeated activate 2 in 1, activation validate 4 in 2,
/// deactivate 4 in 3.
/// </summary>
public sealed class StorageBudgetTests(ServerFixture server, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Each_floating_call_stays_within_its_storage_round_trip_budget()
    {
        var license = await server.CreateLicenseAsync(mode: 2, seats: 5);
        await WarmUpAsync(license);

        var (granted, request) = await CountAsync(() => server.CallAsync("v1/license/request", new { license.UserKey, machineId = "m1" }));
        var token = granted.RootElement.GetProperty("licenseToken").GetString();
        var (_, renewal) = await CountAsync(() => server.CallAsync("v1/license/request", new { license.UserKey, machineId = "m1" }));
        var (_, heartbeat) = await CountAsync(() => server.CallAsync("v1/license/heartbeat", new { licenseToken = token, machineId = "m1" }));
        var (_, validate) = await CountAsync(() => server.CallAsync("v1/license/validate", new { license.UserKey, machineId = "m1" }));
        var (_, release) = await CountAsync(() => server.CallAsync("v1/license/release", new { licenseToken = token, machineId = "m1" }));

        output.WriteLine($"storage requests: request {request}, renewing request {renewal}, heartbeat {heartbeat}, validate {validate}, release {release}");
        Assert.True(request <= 4, $"request took {request} storage requests");
        Assert.True(renewal <= 3, $"a renewing request took {renewal} storage requests");
        Assert.True(heartbeat <= 3, $"heartbeat took {heartbeat} storage requests");
        Assert.True(validate <= 3, $"validate took {validate} storage requests");
        Assert.True(release <= 3, $"release took {release} storage requests");
    }

    [Fact]
    public async Task Each_activation_call_stays_within_its_storage_round_trip_budget()
    {
        var license = await server.CreateLicenseAsync(mode: 1, seats: 5);
        await WarmUpAsync(license);

        var (_, activate) = await CountAsync(() => server.CallAsync("v1/license/activate", new { license.UserKey, machineId = "pc-1" }));
        var (_, again) = await CountAsync(() => server.CallAsync("v1/license/activate", new { license.UserKey, machineId = "pc-1" }));
        var (_, validate) = await CountAsync(() => server.CallAsync("v1/license/validate", new { license.UserKey, machineId = "pc-1" }));
        var (_, deactivate) = await CountAsync(() => server.CallAsync("v1/license/deactivate", new { license.UserKey, machineId = "pc-1" }));

        output.WriteLine($"storage requests: activate {activate}, repeated activate {again}, validate {validate}, deactivate {deactivate}");
        Assert.True(activate <= 3, $"activate took {activate} storage requests");
        Assert.True(again <= 2, $"a repeated activate took {again} storage requests");
        Assert.True(validate <= 4, $"validate took {validate} storage requests");
        Assert.True(deactivate <= 4, $"deactivate took {deactivate} storage requests");
    }

    [Fact]
    public async Task The_counter_sees_every_storage_call_so_the_budgets_mean_something()
    {
        var license = await server.CreateLicenseAsync(mode: 2, seats: 5);
        await WarmUpAsync(license);

        var (_, info) = await CountAsync(() => server.CallAsync("v1/license/info", new { license.UserKey, machineId = "m1" }));

        Assert.True(info >= 1, "info reads the partition, so the counter must see at least one call");
    }

    /// <summary>Caches the client API key and creates the tables, as a running server would have.</summary>
    private async Task WarmUpAsync(License license) =>
        await server.CallAsync("v1/license/info", new { license.UserKey, machineId = "warm-up" });

    private async Task<(System.Text.Json.JsonDocument Body, int Requests)> CountAsync(Func<Task<System.Text.Json.JsonDocument>> call)
    {
        server.StorageRequests.Reset();
        var body = await call();
        return (body, server.StorageRequests.Count);
    }
}
