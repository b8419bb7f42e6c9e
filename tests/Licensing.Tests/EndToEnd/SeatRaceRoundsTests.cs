using Licensing.Domain;
using Licensing.Storage;
using Licensing.Tests.Support;

namespace Licensing.Tests.EndToEnd;

/// <summary>
/// The bench's seat race (bench/Licensing.Bench, scenario seat-race) at a CI size, with the same checks per round.
/// Time moves here (lapse rounds), so the class has its own server and clock. The clients retry a 503 (storage
/// overloaded on a busy machine) as a client app would: a retried request that had committed gets the same lease.
/// </summary>
[Collection(SlowTests.Name)]
[Trait("Category", "Slow")]
public sealed class SeatRaceRoundsTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const int Rounds = 30;
    private const int Contenders = 50;
    private const int Seats = 10;
    private const int HeartbeatSeconds = 60;

    [Fact]
    public async Task Thirty_rounds_of_fifty_concurrent_checkouts_on_a_ten_seat_license_grant_exactly_ten_every_round_and_never_more()
    {
        var license = await server.CreateLicenseAsync(mode: 2, seats: Seats, heartbeatSeconds: HeartbeatSeconds);
        var caller = new PatientCaller(server);

        for (var round = 1; round <= Rounds; round++)
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, Contenders).Select(async i =>
            {
                var machineId = $"race-machine-{i:D3}";
                return (Machine: machineId, Body: await caller.CallAsync("v1/license/request", new { license.UserKey, machineId, clientId = "app" }));
            }));

            var granted = answers.Where(a => a.Body.GetProperty("granted").GetBoolean()).ToList();
            Assert.True(granted.Count == Seats, $"round {round}: {granted.Count} granted");
            Assert.All(answers.Where(a => !a.Body.GetProperty("granted").GetBoolean()), a => Assert.Equal(Reasons.SeatsExhausted, a.Body.GetProperty("reason").GetString()));
            Assert.All(answers, a => Assert.InRange(a.Body.GetProperty("activeClientCount").GetInt32(), 0, Seats));
            await AssertStoredAndInfoHoldExactlyAsync(license, granted.Select(a => a.Machine), caller, round);

            if (round % 2 == 1)
            {
                // Odd rounds: every holder releases.
                await Task.WhenAll(granted.Select(a => caller.CallAsync(
                    "v1/license/release", new { licenseToken = a.Body.GetProperty("licenseToken").GetString(), machineId = a.Machine })));
            }
            else
            {
                // Even rounds: the leases lapse; the next round's grants must end them in their own transactions.
                server.Clock.Advance(TimeSpan.FromSeconds(2 * HeartbeatSeconds + 1));
            }
        }
    }

    private async Task AssertStoredAndInfoHoldExactlyAsync(License license, IEnumerable<string> grantedMachines, PatientCaller caller, int round)
    {
        var rows = await server.StoredRowsAsync(license.LicenseId);
        var live = rows.Where(r => TableKeys.IsSeatRow(r.RowKey) && r.GetString("State") == SeatState.Live).ToList();
        Assert.True(live.Count == Seats, $"round {round}: {live.Count} live seat rows");
        Assert.Equal(Seats, rows.Single(r => r.RowKey == TableKeys.LicenseRow).GetInt32("LiveSeats"));
        Assert.Equal(grantedMachines.Order(), live.Select(r => r.GetString("MachineId")).Order());

        var info = await caller.CallAsync("v1/license/info", new { license.UserKey, machineId = "race-auditor" });
        Assert.Equal(Seats, info.GetProperty("activeClientCount").GetInt32());
        Assert.Equal(Seats, info.GetProperty("licenseTokens").EnumerateArray().Count(t => !t.GetProperty("revoked").GetBoolean()));
    }
}
