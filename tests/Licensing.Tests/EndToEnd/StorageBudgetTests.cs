using Licensing.Tests.Support;

namespace Licensing.Tests.EndToEnd;

/// <summary>
/// Storage round trips per call, counted by a pipeline policy on the table client, with the API key already
/// cached: heartbeat 2, validate 2, request 3, activate 3, release 2, deactivate 3.
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

        output.WriteLine($"round trips: request {request}, renewing request {renewal}, heartbeat {heartbeat}, validate {validate}, release {release}");
        Assert.True(request <= 3, $"request took {request} round trips");
        Assert.True(renewal <= 3, $"a renewing request took {renewal} round trips");
        Assert.True(heartbeat <= 2, $"heartbeat took {heartbeat} round trips");
        Assert.True(validate <= 2, $"validate took {validate} round trips");
        Assert.True(release <= 2, $"release took {release} round trips");
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

        output.WriteLine($"round trips: activate {activate}, repeated activate {again}, validate {validate}, deactivate {deactivate}");
        Assert.True(activate <= 3, $"activate took {activate} round trips");
        Assert.True(again <= 3, $"a repeated activate took {again} round trips");
        Assert.True(validate <= 2, $"validate took {validate} round trips");
        Assert.True(deactivate <= 3, $"deactivate took {deactivate} round trips");
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

    private async Task<(System.Text.Json.JsonDocument Body, int RoundTrips)> CountAsync(Func<Task<System.Text.Json.JsonDocument>> call)
    {
        server.RoundTrips.Reset();
        var body = await call();
        return (body, server.RoundTrips.Count);
    }
}
