using Azure.Data.Tables;
using Licensing.Domain;
using Licensing.Storage;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Licensing.Tests.EndToEnd;

/// <summary>
/// Concurrent client apps on small licenses (request, heartbeat, validate, release; activate, validate, deactivate)
/// while a share of the server's storage requests fail inside the SDK's retries. Clients only ever see 200 or 503
/// with Retry-After (and retry the 503s); once the faults stop, storage holds exactly what the 200s said.
/// The clock stands still, so no lease lapses and every seat's fate is the clients' own doing.
/// </summary>
[Collection(SlowTests.Name)]
[Trait("Category", "Slow")]
public sealed class StorageFaultTests(ITestOutputHelper output)
{
    private const double Rate = 0.25;
    private const int Steps = 12;

    [Theory]
    [InlineData(StorageFault.Busy503)]
    [InlineData(StorageFault.Error500)]
    [InlineData(StorageFault.Timeout)]
    [InlineData(StorageFault.ConnectionReset)]
    [InlineData(StorageFault.LostAfterWrite)]
    public async Task Mixed_client_traffic_under_one_kind_of_storage_fault_sees_only_200_or_503_and_leaves_storage_as_answered(StorageFault kind)
    {
        await RunAndCheckAsync(new StorageFaults(seed: 1000 + (int)kind, Rate, kind), [kind]);
    }

    [Fact]
    public async Task Mixed_client_traffic_under_every_kind_of_storage_fault_at_once_sees_only_200_or_503_and_leaves_storage_as_answered()
    {
        var kinds = Enum.GetValues<StorageFault>();
        await RunAndCheckAsync(new StorageFaults(seed: 7, Rate, kinds), kinds);
    }

    [Fact]
    public async Task A_release_whose_answer_is_lost_on_every_try_answers_503_and_the_release_it_committed_stands()
    {
        var faults = new StorageFaults(seed: 1, rate: 1, StorageFault.LostAfterWrite);
        await using var server = await StartAsync(faults);
        var license = await server.CreateLicenseAsync(mode: 2, seats: 2);
        var token = (await server.CallAsync("v1/license/request", new { license.UserKey, machineId = "m1" })).RootElement.GetProperty("licenseToken").GetString();

        faults.Start();
        using var lost = await server.PostAsync("v1/license/release", new { licenseToken = token, machineId = "m1" });
        faults.Stop();
        var again = (await server.CallAsync("v1/license/release", new { licenseToken = token, machineId = "m1" })).RootElement;

        Assert.Equal(3, faults.Injected(StorageFault.LostAfterWrite));
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, lost.StatusCode);
        Assert.NotNull(lost.Headers.RetryAfter);
        Assert.Equal(0, again.GetProperty("activeClientCount").GetInt32());
        Assert.Equal(0, (await server.StoredLicenseRowAsync(license.LicenseId))!.GetInt32("LiveSeats"));
    }

    private static Task<ServerFixture> StartAsync(StorageFaults faults) =>
        ServerFixture.StartAsync(_ => { }, configure: builder =>
        {
            builder.Services.Configure<TablePipelineOptions>(o => o.PerRetryPolicies.Add(faults));
            // Every injected fault logs a warning; keep the test output to what matters.
            builder.Logging.SetMinimumLevel(LogLevel.Error);
        });

    private async Task RunAndCheckAsync(StorageFaults faults, StorageFault[] kinds)
    {
        await using var server = await StartAsync(faults);
        var caller = new PatientCaller(server);
        var clients = await ClientsAsync(server, caller);

        faults.Start();
        await Task.WhenAll(clients.Select(c => c.RunAsync(Steps)));
        faults.Stop();

        output.WriteLine($"{faults}; {caller.Answers.Count} answers, {caller.Unavailable} of them 503");
        Assert.All(kinds, k => Assert.True(faults.Injected(k) > 0, $"no {k} was injected: {faults}"));
        Assert.All(caller.Answers, a => Assert.True(a.Status is 200 or 503, $"{a.Route} answered {a.Status}"));
        foreach (var ofLicense in clients.GroupBy(c => c.License))
        {
            await AssertStorageAgreesAsync(server, ofLicense.Key, ofLicense.ToList());
        }
    }

    /// <summary>Three small licenses: two floating (one with two clients per machine), one node-locked.</summary>
    private static async Task<List<SeatClient>> ClientsAsync(ServerFixture server, PatientCaller caller)
    {
        var floating = await server.CreateLicenseAsync(mode: 2, seats: 3);
        var shared = await server.CreateLicenseAsync(mode: 2, seats: 2);
        var locked = await server.CreateLicenseAsync(mode: 1, seats: 3);
        var clients = new List<SeatClient>();
        for (var i = 0; i < 6; i++)
        {
            clients.Add(new FloatingClient(server, caller, floating, $"float-{i}", "app", seed: i));
            clients.Add(new ActivationClient(server, caller, locked, $"pc-{i}", seed: 100 + i));
        }

        for (var i = 0; i < 4; i++)
        {
            clients.Add(new FloatingClient(server, caller, shared, $"shared-{i / 2}", i % 2 == 0 ? "editor" : "viewer", seed: 200 + i));
        }

        return clients;
    }

    private static async Task AssertStorageAgreesAsync(ServerFixture server, License license, List<SeatClient> clients)
    {
        var rows = await server.StoredRowsAsync(license.LicenseId);
        var seats = rows.Where(r => TableKeys.IsSeatRow(r.RowKey)).ToDictionary(r => r.RowKey);
        var live = seats.Values.Where(r => r.GetString("State") == SeatState.Live).ToList();
        var licenseRow = rows.Single(r => r.RowKey == TableKeys.LicenseRow);
        var max = licenseRow.GetInt32("MaxClientCount")!.Value;

        Assert.Equal(live.Count, licenseRow.GetInt32("LiveSeats"));
        Assert.InRange(live.Count, 0, max);
        // Every seat held according to a 200 is live in storage with that token, and nothing else is live.
        var held = clients.Where(c => c.Held is not null).Select(c => (c.SeatRow, TokenId: c.Held!)).OrderBy(h => h.SeatRow).ToList();
        Assert.Equal(held, live.Select(r => (SeatRow: r.RowKey, TokenId: r.GetString("TokenId"))).OrderBy(h => h.SeatRow).ToList());
        // Every seat a client ended with a 200 is ended in storage (its row may hold a later grant by then).
        foreach (var client in clients)
        {
            foreach (var ended in client.Ended)
            {
                Assert.False(
                    seats.TryGetValue(client.SeatRow, out var row) && row.GetString("TokenId") == ended && row.GetString("State") == SeatState.Live,
                    $"{client.MachineId}/{client.ClientId}: {ended} was ended with a 200 but is live");
            }
        }

        var info = (await server.CallAsync("v1/license/info", new { license.UserKey, machineId = "auditor" })).RootElement;
        Assert.Equal(held.Count, info.GetProperty("activeClientCount").GetInt32());
        var shown = info.GetProperty("licenseTokens").EnumerateArray()
            .Where(t => !t.GetProperty("revoked").GetBoolean())
            .Select(t => t.GetProperty("token").GetString())
            .Order();
        Assert.Equal(held.Select(h => h.TokenId).Order(), shown);
    }
}
