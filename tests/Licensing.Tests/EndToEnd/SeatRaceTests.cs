using System.Net;
using System.Text.Json;
using Licensing.Tests.Support;

namespace Licensing.Tests.EndToEnd;

public sealed class SeatRaceTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_hundred_concurrent_requests_from_distinct_clients_on_a_seven_seat_license_get_exactly_seven_grants()
    {
        var license = await server.CreateLicenseAsync(mode: 2, seats: 7);

        var answers = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => CallAsync("v1/license/request", license, $"machine-{i}")).ToList());

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        var grants = answers.Where(a => a.Body.GetProperty("granted").GetBoolean()).ToList();
        var denials = answers.Where(a => !a.Body.GetProperty("granted").GetBoolean()).ToList();
        Assert.Equal(7, grants.Count);
        // Grants commit one after another, so they count 1 to 7; every denial decided on a full license.
        Assert.Equal([1, 2, 3, 4, 5, 6, 7], grants.Select(a => a.Body.GetProperty("activeClientCount").GetInt32()).Order());
        Assert.Equal(93, denials.Count);
        Assert.All(denials, a => Assert.Equal(("seats_exhausted", 7), (a.Body.GetProperty("reason").GetString(), a.Body.GetProperty("activeClientCount").GetInt32())));
        var info = (await server.CallAsync("v1/license/info", new { license.UserKey, machineId = "machine-0" })).RootElement;
        Assert.Equal(7, info.GetProperty("licenseTokens").EnumerateArray().Count(t => !t.GetProperty("revoked").GetBoolean()));
        Assert.Equal(7, info.GetProperty("activeClientCount").GetInt32());
        Assert.Equal(7, (await server.StoredLicenseRowAsync(license.LicenseId))!.GetInt32("LiveSeats"));
    }

    [Fact]
    public async Task A_hundred_concurrent_activations_of_distinct_machines_on_a_seven_seat_license_get_exactly_seven()
    {
        var license = await server.CreateLicenseAsync(mode: 1, seats: 7);

        var answers = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => CallAsync("v1/license/activate", license, $"pc-{i}")).ToList());

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.Equal(7, answers.Count(a => a.Body.GetProperty("success").GetBoolean()));
        var info = (await server.CallAsync("v1/license/info", new { license.UserKey, machineId = "pc-0" })).RootElement;
        Assert.Equal(7, info.GetProperty("licenseTokens").GetArrayLength());
        Assert.Equal(7, (await server.StoredLicenseRowAsync(license.LicenseId))!.GetInt32("LiveSeats"));
    }

    [Fact]
    public async Task Repeated_concurrent_requests_from_the_same_client_all_get_the_same_lease_and_take_one_seat()
    {
        var license = await server.CreateLicenseAsync(mode: 2, seats: 3);

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => CallAsync("v1/license/request", license, "same-machine")).ToList());

        Assert.All(answers, a => Assert.True(a.Body.GetProperty("granted").GetBoolean(), a.Body.GetRawText()));
        var lease = Assert.Single(answers.Select(a => SeatTokens.TokenId(a.Body.GetProperty("licenseToken").GetString()!)).Distinct());
        var info = (await server.CallAsync("v1/license/info", new { license.UserKey, machineId = "same-machine" })).RootElement;
        Assert.Equal(lease, Assert.Single(info.GetProperty("licenseTokens").EnumerateArray()).GetProperty("token").GetString());
        Assert.Equal(1, (await server.StoredLicenseRowAsync(license.LicenseId))!.GetInt32("LiveSeats"));
    }

    [Fact]
    public async Task Repeated_concurrent_activations_of_the_same_machine_all_get_the_same_activation_and_take_one_seat()
    {
        var license = await server.CreateLicenseAsync(mode: 1, seats: 3);

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => CallAsync("v1/license/activate", license, "same-pc")).ToList());

        Assert.All(answers, a => Assert.True(a.Body.GetProperty("success").GetBoolean(), a.Body.GetRawText()));
        var activation = Assert.Single(answers.Select(a => SeatTokens.TokenId(a.Body.GetProperty("licenseToken").GetString()!)).Distinct());
        var info = (await server.CallAsync("v1/license/info", new { license.UserKey, machineId = "same-pc" })).RootElement;
        Assert.Equal(activation, Assert.Single(info.GetProperty("licenseTokens").EnumerateArray()).GetProperty("token").GetString());
        Assert.Equal(1, (await server.StoredLicenseRowAsync(license.LicenseId))!.GetInt32("LiveSeats"));
    }

    [Fact]
    public async Task Requests_racing_from_the_same_client_beside_two_held_seats_each_answer_the_count_true_when_they_were_decided()
    {
        // Five licenses at once, each with two seats held by others: every contender is sent before any is awaited.
        var licenses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => LicenseWithHeldSeatsAsync(mode: 2, "v1/license/request")));
        var contenders = licenses.SelectMany(l => Enumerable.Range(0, 20).Select(_ => (License: l, Answer: CallAsync("v1/license/request", l, "same-machine")))).ToList();

        await Task.WhenAll(contenders.Select(c => c.Answer));

        Assert.Equal(100, contenders.Count);
        // Whether it made the lease or renewed it, an answer's grant holds one seat beside the two: three, never fewer.
        Assert.All(contenders, c => Assert.Equal((true, 3), (c.Answer.Result.Body.GetProperty("granted").GetBoolean(), c.Answer.Result.Body.GetProperty("activeClientCount").GetInt32())));
        foreach (var license in licenses)
        {
            Assert.Equal(3, (await server.StoredLicenseRowAsync(license.LicenseId))!.GetInt32("LiveSeats"));
        }
    }

    [Fact]
    public async Task Activations_racing_from_the_same_machine_beside_two_held_seats_each_answer_the_count_true_when_they_were_decided()
    {
        var licenses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => LicenseWithHeldSeatsAsync(mode: 1, "v1/license/activate")));
        var contenders = licenses.SelectMany(l => Enumerable.Range(0, 20).Select(_ => (License: l, Answer: CallAsync("v1/license/activate", l, "same-pc")))).ToList();

        await Task.WhenAll(contenders.Select(c => c.Answer));

        Assert.Equal(100, contenders.Count);
        Assert.All(contenders, c => Assert.Equal((true, 3), (c.Answer.Result.Body.GetProperty("success").GetBoolean(), c.Answer.Result.Body.GetProperty("activeClientCount").GetInt32())));
        foreach (var license in licenses)
        {
            Assert.Equal(3, (await server.StoredLicenseRowAsync(license.LicenseId))!.GetInt32("LiveSeats"));
        }
    }

    /// <summary>A fresh five-seat license of the mode whose seats two other machines hold already.</summary>
    private async Task<License> LicenseWithHeldSeatsAsync(int mode, string route)
    {
        var license = await server.CreateLicenseAsync(mode, seats: 5);
        for (var i = 0; i < 2; i++)
        {
            await CallAsync(route, license, $"holder-{i}");
        }

        return license;
    }

    [Fact]
    public async Task Releases_racing_requests_free_their_seats_for_newcomers_and_never_let_more_than_the_limit_hold_one()
    {
        var license = await server.CreateLicenseAsync(mode: 2, seats: 3);
        var holders = new List<(string Machine, string Token)>();
        for (var i = 0; i < 3; i++)
        {
            var granted = await CallAsync("v1/license/request", license, $"holder-{i}");
            Assert.True(granted.Body.GetProperty("granted").GetBoolean(), granted.Body.GetRawText());
            holders.Add(($"holder-{i}", granted.Body.GetProperty("licenseToken").GetString()!));
        }

        // Every contender is sent before any is awaited: the releases, then at once the requests.
        var releases = holders.Select(h => SendAsync("v1/license/release", new { licenseToken = h.Token, machineId = h.Machine })).ToList();
        var requests = Enumerable.Range(0, 30).Select(i => CallAsync("v1/license/request", license, $"newcomer-{i}")).ToList();

        var released = await Task.WhenAll(releases);
        var raced = await Task.WhenAll(requests);
        // Once every release has answered, the newcomers still waiting ask again, all at once: the freed seats go to them.
        var waiting = Enumerable.Range(0, 30).Where(i => !raced[i].Body.GetProperty("granted").GetBoolean()).ToList();
        var retried = await Task.WhenAll(waiting.Select(i => CallAsync("v1/license/request", license, $"newcomer-{i}")).ToList());

        Assert.Equal(3, released.Length);
        Assert.All(released, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.All(raced.Concat(retried), a => Assert.Equal(HttpStatusCode.OK, a.Status));
        var denials = raced.Concat(retried).Where(a => !a.Body.GetProperty("granted").GetBoolean()).ToList();
        Assert.All(denials, a => Assert.Equal(("seats_exhausted", 3), (a.Body.GetProperty("reason").GetString(), a.Body.GetProperty("activeClientCount").GetInt32())));
        var winners = Enumerable.Range(0, 30).Where(i => raced[i].Body.GetProperty("granted").GetBoolean())
            .Concat(waiting.Where((_, n) => retried[n].Body.GetProperty("granted").GetBoolean()))
            .Select(i => $"newcomer-{i}").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(3, winners.Count);
        Assert.Equal(30 + waiting.Count - 3, denials.Count);
        // The admin view: info would show other machines' ids masked.
        var info = (await server.SendForJsonAsync(HttpMethod.Get, $"v1/admin/licenses/{license.LicenseId}", null, ServerFixture.AdminKey)).RootElement;
        var live = info.GetProperty("licenseTokens").EnumerateArray().Where(t => !t.GetProperty("revoked").GetBoolean());
        Assert.Equal(winners, live.Select(t => t.GetProperty("machineId").GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(3, info.GetProperty("activeClientCount").GetInt32());
        Assert.Equal(3, (await server.StoredLicenseRowAsync(license.LicenseId))!.GetInt32("LiveSeats"));
    }

    private Task<(HttpStatusCode Status, JsonElement Body)> CallAsync(string route, License license, string machineId) =>
        SendAsync(route, new { license.UserKey, machineId, clientId = "app" });

    /// <summary>A call that a storage hiccup on a busy machine (503 with Retry-After) does not fail: it is tried again, as an app would.</summary>
    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(string route, object body) =>
        (HttpStatusCode.OK, await new PatientCaller(server).CallAsync(route, body));
}
