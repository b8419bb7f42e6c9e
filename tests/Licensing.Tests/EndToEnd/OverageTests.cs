using System.Net;
using System.Text.Json;
using Licensing.Tests.Support;

namespace Licensing.Tests.EndToEnd;

/// <summary>
/// Overage seats: grants beyond maxClientCount up to maxClientCount + overageSeats succeed and say <c>overage: true</c>
/// (answer, seat row, info, audit event); under any concurrency no more than that many seats are live.
/// </summary>
public sealed class OverageTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const int Activation = 1;
    private const int Floating = 2;

    [Fact]
    public async Task Sixty_concurrent_requests_on_five_seats_with_two_overage_grant_exactly_five_plain_and_two_overage_leases()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 5, extra: new { overageSeats = 2 });
        var caller = new PatientCaller(server);

        var calls = Enumerable.Range(0, 60).Select(i => caller.CallAsync("v1/license/request", new { license.UserKey, machineId = $"machine-{i}", clientId = "app" })).ToList();
        var answers = await Task.WhenAll(calls);

        var grants = answers.Where(a => a.GetProperty("granted").GetBoolean()).ToList();
        var denials = answers.Where(a => !a.GetProperty("granted").GetBoolean()).ToList();
        Assert.Equal(7, grants.Count);
        Assert.Equal(53, denials.Count);
        // Grants commit one after another: the first five are plain, the sixth and seventh are overage.
        Assert.Equal(
            [(1, false), (2, false), (3, false), (4, false), (5, false), (6, true), (7, true)],
            grants.Select(a => (a.GetProperty("activeClientCount").GetInt32(), OverageOf(a))).Order());
        Assert.All(grants, a => Assert.Equal(5, a.GetProperty("maxClientCount").GetInt32()));
        Assert.All(denials, a => Assert.Equal(("seats_exhausted", 7, 5), Denial(a)));
        await AssertStoredAndShownAsync(license, grants, "machine-0");
    }

    [Fact]
    public async Task Sixty_concurrent_activations_on_five_seats_with_two_overage_activate_exactly_five_plain_and_two_overage_machines()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 5, extra: new { overageSeats = 2 });
        var caller = new PatientCaller(server);

        var calls = Enumerable.Range(0, 60).Select(i => caller.CallAsync("v1/license/activate", new { license.UserKey, machineId = $"pc-{i}" })).ToList();
        var answers = await Task.WhenAll(calls);

        var grants = answers.Where(a => a.GetProperty("success").GetBoolean()).ToList();
        var denials = answers.Where(a => !a.GetProperty("success").GetBoolean()).ToList();
        Assert.Equal(7, grants.Count);
        Assert.Equal(53, denials.Count);
        Assert.Equal(
            [(1, false), (2, false), (3, false), (4, false), (5, false), (6, true), (7, true)],
            grants.Select(a => (a.GetProperty("activeClientCount").GetInt32(), OverageOf(a))).Order());
        Assert.All(denials, a => Assert.Equal(("seats_exhausted", 7, 5), Denial(a)));
        await AssertStoredAndShownAsync(license, grants, "pc-0");
    }

    [Fact]
    public async Task An_overage_seat_stays_overage_when_asked_again_and_a_plain_seat_freed_lets_the_next_grant_be_overage_until_the_count_drops()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 2, extra: new { overageSeats = 1 });
        var a = await RequestAsync(license, "a");
        await RequestAsync(license, "b");
        var c = await RequestAsync(license, "c");

        var cAgain = await RequestAsync(license, "c");
        await server.CallAsync("v1/license/release", new { licenseToken = a.GetProperty("licenseToken").GetString(), machineId = "a" });
        var d = await RequestAsync(license, "d");
        var e = await RequestAsync(license, "e");

        Assert.Equal((true, 3, true), (c.GetProperty("granted").GetBoolean(), c.GetProperty("activeClientCount").GetInt32(), OverageOf(c)));
        Assert.Equal((true, 3, true), (cAgain.GetProperty("granted").GetBoolean(), cAgain.GetProperty("activeClientCount").GetInt32(), OverageOf(cAgain)));
        // b, c and d hold seats: d is the third live seat, so it is overage too (the flag records the count at its grant).
        Assert.Equal((true, 3, true), (d.GetProperty("granted").GetBoolean(), d.GetProperty("activeClientCount").GetInt32(), OverageOf(d)));
        Assert.Equal(("seats_exhausted", 3, 2), Denial(e));
    }

    [Fact]
    public async Task The_license_view_shows_overage_seats_and_a_patch_may_raise_them_up_to_max_client_count()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 4, extra: new { overageSeats = 1 });

        var (patchedStatus, patched) = await AdminAsync(HttpMethod.Patch, $"v1/admin/licenses/{license.LicenseId}", new { overageSeats = 4 });
        var (tooManyStatus, tooMany) = await AdminAsync(HttpMethod.Patch, $"v1/admin/licenses/{license.LicenseId}", new { overageSeats = 5 });

        Assert.Equal((HttpStatusCode.OK, 4, 4, 0), (patchedStatus, patched.GetProperty("maxClientCount").GetInt32(), patched.GetProperty("overageSeats").GetInt32(), patched.GetProperty("maxTransfers").GetInt32()));
        Assert.Equal(HttpStatusCode.BadRequest, tooManyStatus);
        Assert.Equal(["overageSeats (5) must be at most maxClientCount (4)."], ErrorsOf(tooMany, "overageSeats"));
    }

    [Fact]
    public async Task A_patch_lowering_max_client_count_below_the_overage_seats_is_a_400_and_changes_nothing()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 4, extra: new { overageSeats = 3 });

        var (status, problem) = await AdminAsync(HttpMethod.Patch, $"v1/admin/licenses/{license.LicenseId}", new { maxClientCount = 2 });
        var (_, view) = await AdminAsync(HttpMethod.Get, $"v1/admin/licenses/{license.LicenseId}", null);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["overageSeats (3) must be at most maxClientCount (2)."], ErrorsOf(problem, "maxClientCount"));
        Assert.Equal((4, 3), (view.GetProperty("maxClientCount").GetInt32(), view.GetProperty("overageSeats").GetInt32()));
    }

    [Fact]
    public async Task A_create_with_more_overage_seats_than_max_client_count_or_a_negative_number_is_a_400()
    {
        var (overStatus, over) = await AdminAsync(HttpMethod.Post, "v1/admin/licenses", new { licensingMode = Floating, maxClientCount = 2, overageSeats = 3 });
        var (negativeStatus, negative) = await AdminAsync(HttpMethod.Post, "v1/admin/licenses", new { licensingMode = Floating, maxClientCount = 2, overageSeats = -1 });

        Assert.Equal(HttpStatusCode.BadRequest, overStatus);
        Assert.Equal(["overageSeats (3) must be at most maxClientCount (2)."], ErrorsOf(over, "overageSeats"));
        Assert.Equal(HttpStatusCode.BadRequest, negativeStatus);
        Assert.Single(ErrorsOf(negative, "overageSeats"));
    }

    [Fact]
    public async Task A_policy_carries_overage_seats_and_max_transfers_into_the_licenses_made_from_it()
    {
        var product = "overage-" + Guid.NewGuid().ToString("N")[..8];
        var (_, policy) = await AdminAsync(HttpMethod.Post, "v1/admin/policies", new { name = "Team", productId = product, licensingMode = Activation, maxClientCount = 10, overageSeats = 2, maxTransfers = 3 });
        var policyId = policy.GetProperty("policyId").GetString();

        var (createdStatus, created) = await AdminAsync(HttpMethod.Post, "v1/admin/licenses", new { policyId });
        var (ownStatus, own) = await AdminAsync(HttpMethod.Post, "v1/admin/licenses", new { policyId, overageSeats = 0, maxTransfers = 5 });
        var (lowerStatus, lower) = await AdminAsync(HttpMethod.Patch, $"v1/admin/policies/{policyId}", new { maxClientCount = 1 });

        Assert.Equal((2, 3), (policy.GetProperty("overageSeats").GetInt32(), policy.GetProperty("maxTransfers").GetInt32()));
        Assert.Equal((HttpStatusCode.Created, 10, 2, 3), (createdStatus, created.GetProperty("maxClientCount").GetInt32(), created.GetProperty("overageSeats").GetInt32(), created.GetProperty("maxTransfers").GetInt32()));
        Assert.Equal((HttpStatusCode.Created, 0, 5), (ownStatus, own.GetProperty("overageSeats").GetInt32(), own.GetProperty("maxTransfers").GetInt32()));
        Assert.Equal(HttpStatusCode.BadRequest, lowerStatus);
        Assert.Equal(["overageSeats (2) must be at most maxClientCount (1)."], ErrorsOf(lower, "maxClientCount"));
    }

    [Fact]
    public async Task A_pool_full_at_its_limit_plus_overage_reads_its_leases_once_and_then_refuses_from_the_license_row()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 3, heartbeatSeconds: 60, extra: new { overageSeats = 1 });
        var holders = new List<JsonElement>();
        for (var i = 0; i < 4; i++)
        {
            holders.Add(await RequestAsync(license, $"holder-{i}"));
        }

        var filledAt = server.Clock.GetUtcNow();
        server.StorageRequests.Reset();
        var first = await RequestAsync(license, "newcomer-0");
        var firstCost = server.StorageRequests.Count;
        server.StorageRequests.Reset();
        var second = await RequestAsync(license, "newcomer-1");
        var secondCost = server.StorageRequests.Count;

        Assert.Equal([false, false, false, true], holders.Select(OverageOf));
        Assert.Equal(("seats_exhausted", 4, 3), Denial(first));
        Assert.Equal(("seats_exhausted", 4, 3), Denial(second));
        // The two point reads, the lapsed-lease query, the read of every live lease's expiry, the merge of the row; then the reads alone.
        Assert.Equal((5, 2), (firstCost, secondCost));
        Assert.Equal(filledAt.AddSeconds(120), (await server.StoredLicenseRowAsync(license.LicenseId))!.GetDateTimeOffset("NoLapseBefore"));
    }

    /// <summary>The seat rows, the license row, info, the admin seats page and the audit trail all agree on the seven.</summary>
    private async Task AssertStoredAndShownAsync(License license, List<JsonElement> grants, string infoMachine)
    {
        var granted = grants.Select(a => (Token: SeatTokens.TokenId(a.GetProperty("licenseToken").GetString()!), Overage: OverageOf(a))).Order().ToList();
        var rows = await server.StoredRowsAsync(license.LicenseId);
        var seats = rows.Where(r => r.GetString("State") == "live" && r.GetString("TokenId") is not null).ToList();
        Assert.Equal(granted, seats.Select(r => (r.GetString("TokenId"), r.GetBoolean("Overage") ?? false)).Order().ToList());
        Assert.Equal(7, (await server.StoredLicenseRowAsync(license.LicenseId))!.GetInt32("LiveSeats"));

        var info = (await server.CallAsync("v1/license/info", new { license.UserKey, machineId = infoMachine })).RootElement;
        Assert.Equal(7, info.GetProperty("licenseTokens").GetArrayLength());
        Assert.Equal(granted, info.GetProperty("licenseTokens").EnumerateArray().Select(t => (t.GetProperty("token").GetString()!, OverageOf(t))).Order().ToList());

        var (_, page) = await AdminAsync(HttpMethod.Get, $"v1/admin/licenses/{license.LicenseId}/seats", null);
        Assert.Equal(granted, page.GetProperty("items").EnumerateArray().Select(t => (t.GetProperty("token").GetString()!, OverageOf(t))).Order().ToList());

        var (_, events) = await AdminAsync(HttpMethod.Get, $"v1/admin/licenses/{license.LicenseId}/events", null);
        var grantEvents = events.GetProperty("items").EnumerateArray().Where(e => e.GetProperty("type").GetString() is "seat.granted" or "seat.activated").ToList();
        Assert.Equal(granted, grantEvents.Select(e => (e.GetProperty("token").GetString()!, OverageOf(e))).Order().ToList());
    }

    private async Task<JsonElement> RequestAsync(License license, string machineId) =>
        (await server.CallAsync("v1/license/request", new { license.UserKey, machineId, clientId = "app" })).RootElement;

    private async Task<(HttpStatusCode Status, JsonElement Body)> AdminAsync(HttpMethod method, string route, object? body)
    {
        using var response = await server.SendAsync(method, route, body, ServerFixture.AdminKey);
        using var json = await ServerFixture.ReadJsonAsync(response);
        return (response.StatusCode, json.RootElement.Clone());
    }

    /// <summary>An answer, seat or event says <c>overage: true</c>, or leaves the property out (never <c>false</c>).</summary>
    private static bool OverageOf(JsonElement element)
    {
        if (!element.TryGetProperty("overage", out var overage))
        {
            return false;
        }

        Assert.Equal(JsonValueKind.True, overage.ValueKind);
        return true;
    }

    private static (string?, int, int) Denial(JsonElement answer) =>
        (answer.GetProperty("reason").GetString(), answer.GetProperty("activeClientCount").GetInt32(), answer.GetProperty("maxClientCount").GetInt32());

    private static string[] ErrorsOf(JsonElement problem, string field) =>
        problem.GetProperty("errors").GetProperty(field).EnumerateArray().Select(e => e.GetString() ?? "(null)").ToArray();
}
