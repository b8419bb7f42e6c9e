using System.Net;
using Licensing.Tests.Support;

namespace Licensing.Tests.EndToEnd;

public sealed class SeatRaceTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_hundred_concurrent_requests_from_distinct_clients_on_a_seven_seat_license_get_exactly_seven_grants()
    {
        var license = await server.CreateLicenseAsync(mode: 2, seats: 7);

        var answers = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => CallAsync("v1/license/request", license, $"machine-{i}")));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.Equal(7, answers.Count(a => a.Body.GetProperty("granted").GetBoolean()));
        Assert.All(answers.Where(a => !a.Body.GetProperty("granted").GetBoolean()),
            a => Assert.Equal("seats_exhausted", a.Body.GetProperty("reason").GetString()));
        Assert.All(answers, a => Assert.True(a.Body.GetProperty("activeClientCount").GetInt32() <= 7));
        var info = (await server.CallAsync("v1/license/info", new { license.UserKey, machineId = "machine-0" })).RootElement;
        Assert.Equal(7, info.GetProperty("licenseTokens").EnumerateArray().Count(t => !t.GetProperty("revoked").GetBoolean()));
        Assert.Equal(7, info.GetProperty("activeClientCount").GetInt32());
        Assert.Equal(7, (await server.StoredLicenseRowAsync(license.LicenseId))!.GetInt32("LiveSeats"));
    }

    [Fact]
    public async Task A_hundred_concurrent_activations_of_distinct_machines_on_a_seven_seat_license_get_exactly_seven()
    {
        var license = await server.CreateLicenseAsync(mode: 1, seats: 7);

        var answers = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => CallAsync("v1/license/activate", license, $"pc-{i}")));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.Equal(7, answers.Count(a => a.Body.GetProperty("success").GetBoolean()));
        var info = (await server.CallAsync("v1/license/info", new { license.UserKey, machineId = "pc-0" })).RootElement;
        Assert.Equal(7, info.GetProperty("licenseTokens").GetArrayLength());
        Assert.Equal(7, (await server.StoredLicenseRowAsync(license.LicenseId))!.GetInt32("LiveSeats"));
    }

    [Fact]
    public async Task Repeated_concurrent_requests_from_the_same_client_take_one_seat()
    {
        var license = await server.CreateLicenseAsync(mode: 2, seats: 3);

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => CallAsync("v1/license/request", license, "same-machine")));

        Assert.All(answers, a => Assert.True(a.Body.GetProperty("granted").GetBoolean(), a.Body.GetRawText()));
        var info = (await server.CallAsync("v1/license/info", new { license.UserKey, machineId = "same-machine" })).RootElement;
        Assert.Single(info.GetProperty("licenseTokens").EnumerateArray());
        Assert.Equal(1, (await server.StoredLicenseRowAsync(license.LicenseId))!.GetInt32("LiveSeats"));
    }

    [Fact]
    public async Task Repeated_concurrent_activations_of_the_same_machine_take_one_seat()
    {
        var license = await server.CreateLicenseAsync(mode: 1, seats: 3);

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => CallAsync("v1/license/activate", license, "same-pc")));

        Assert.All(answers, a => Assert.True(a.Body.GetProperty("success").GetBoolean(), a.Body.GetRawText()));
        Assert.Equal(1, (await server.StoredLicenseRowAsync(license.LicenseId))!.GetInt32("LiveSeats"));
    }

    [Fact]
    public async Task Releases_and_requests_racing_never_hold_more_seats_than_the_limit()
    {
        var license = await server.CreateLicenseAsync(mode: 2, seats: 3);
        var holders = new List<(string Machine, string Token)>();
        for (var i = 0; i < 3; i++)
        {
            var granted = await CallAsync("v1/license/request", license, $"holder-{i}");
            holders.Add(($"holder-{i}", granted.Body.GetProperty("licenseToken").GetString()!));
        }

        var releases = holders.Select(h => server.PostAsync("v1/license/release", new { licenseToken = h.Token, machineId = h.Machine }));
        var requests = Enumerable.Range(0, 30).Select(i => CallAsync("v1/license/request", license, $"newcomer-{i}"));
        var released = await Task.WhenAll(releases);
        var answers = await Task.WhenAll(requests);

        Assert.All(released, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var grants = answers.Count(a => a.Body.GetProperty("granted").GetBoolean());
        Assert.InRange(grants, 0, 3);
        var info = (await server.CallAsync("v1/license/info", new { license.UserKey, machineId = "x" })).RootElement;
        Assert.Equal(grants, info.GetProperty("activeClientCount").GetInt32());
        Assert.Equal(grants, (await server.StoredLicenseRowAsync(license.LicenseId))!.GetInt32("LiveSeats"));
    }

    /// <summary>A call that a storage hiccup on a busy machine (503 with Retry-After) does not fail: it is tried again, as an app would.</summary>
    private async Task<(HttpStatusCode Status, System.Text.Json.JsonElement Body)> CallAsync(string route, License license, string machineId) =>
        (HttpStatusCode.OK, await new PatientCaller(server).CallAsync(route, new { license.UserKey, machineId, clientId = "app" }));
}
