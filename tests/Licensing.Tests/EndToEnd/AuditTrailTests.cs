using System.Net;
using System.Text.Json;
using Licensing.Tests.Support;

namespace Licensing.Tests.EndToEnd;

/// <summary>
/// The audit trail: every admin change and every seat grant, release, lapse and revocation, with who (the API key's
/// id, or <c>server</c>), when and from which address; newest first at GET /v1/admin/licenses/{id}/events.
/// </summary>
public sealed class AuditTrailTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    /// <summary>The connection's source address of the client calls here; a forged X-Forwarded-For rides along and is ignored.</summary>
    private const string Address = "127.0.0.7";

    [Fact]
    public async Task A_grant_and_its_release_are_recorded_newest_first_with_the_key_and_address_that_made_them()
    {
        var license = await server.CreateLicenseAsync(mode: 2, seats: 2);
        var token = await RequestAsync(license, "m1", clientName: "Alice's laptop");
        await ClientPostAsync("v1/license/release", new { licenseToken = token, machineId = "m1" });

        var events = await EventsAsync(license.LicenseId);

        Assert.Equal(["seat.released", "seat.granted", "license.created"], events.Select(Type));
        var (released, granted, created) = (events[0], events[1], events[2]);
        Assert.Equal(ClientKeyId, granted.GetProperty("actor").GetString());
        Assert.Equal(Address, granted.GetProperty("clientAddr").GetString());
        Assert.Equal("m1", granted.GetProperty("machineId").GetString());
        Assert.Equal("Alice's laptop", granted.GetProperty("clientName").GetString());
        Assert.Equal(granted.GetProperty("token").GetString(), released.GetProperty("token").GetString());
        Assert.Equal(ClientKeyId, released.GetProperty("actor").GetString());
        Assert.Equal("bootstrap-admin", created.GetProperty("actor").GetString());
        Assert.Equal(2, created.GetProperty("changes").GetProperty("maxClientCount").GetInt32());
        Assert.Equal(server.Clock.GetUtcNow().ToUnixTimeSeconds(), granted.GetProperty("at").GetProperty("seconds").GetInt64());
    }

    [Fact]
    public async Task Calls_that_change_no_seat_record_nothing()
    {
        var license = await server.CreateLicenseAsync(mode: 2, seats: 1);
        var token = await RequestAsync(license, "m1");
        await RequestAsync(license, "m1");
        await ClientPostAsync("v1/license/heartbeat", new { licenseToken = token, machineId = "m1" });
        await ClientPostAsync("v1/license/validate", new { license.UserKey, machineId = "m1" });
        var refused = await ClientPostAsync("v1/license/request", new { license.UserKey, machineId = "m2" });

        Assert.Equal("seats_exhausted", refused.GetProperty("reason").GetString());
        Assert.Equal(["seat.granted", "license.created"], (await EventsAsync(license.LicenseId)).Select(Type));
        Assert.Equal(2, (await server.StoredEventsAsync(license.LicenseId)).Count);
    }

    [Fact]
    public async Task Activations_deactivations_admin_changes_and_a_kicked_client_are_recorded()
    {
        var license = await server.CreateLicenseAsync(mode: 1, seats: 3);
        await ClientPostAsync("v1/license/activate", new { license.UserKey, machineId = "pc-1" });
        await ClientPostAsync("v1/license/activate", new { license.UserKey, machineId = "pc-2" });
        await ClientPostAsync("v1/license/deactivate", new { license.UserKey, machineId = "pc-1" });
        using (var patched = await server.SendAsync(HttpMethod.Patch, $"v1/admin/licenses/{license.LicenseId}", new { maxClientCount = 5, suspended = false, customerName = "Contoso" }, ServerFixture.AdminKey))
        {
            Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        }

        var info = await ClientPostAsync("v1/license/info", new { license.UserKey, machineId = "pc-2" });
        var live = info.GetProperty("licenseTokens").EnumerateArray().First(t => !t.GetProperty("revoked").GetBoolean()).GetProperty("token").GetString();
        await server.AdminPostAsync($"v1/admin/licenses/{license.LicenseId}/tokens/revoke", new { token = live });

        var events = await EventsAsync(license.LicenseId);

        Assert.Equal(["seat.revoked", "license.updated", "seat.deactivated", "seat.activated", "seat.activated", "license.created"], events.Select(Type));
        Assert.Equal(live, events[0].GetProperty("token").GetString());
        Assert.Equal("bootstrap-admin", events[0].GetProperty("actor").GetString());
        var changes = events[1].GetProperty("changes");
        Assert.Equal(5, changes.GetProperty("maxClientCount").GetInt32());
        Assert.Equal("Contoso", changes.GetProperty("customerName").GetString());
        Assert.False(changes.TryGetProperty("suspended", out _), "an unchanged field is not a change");
        Assert.Equal("pc-1", events[2].GetProperty("machineId").GetString());
    }

    [Fact]
    public async Task A_lapse_ended_by_the_timer_is_recorded_once_with_the_server_as_actor()
    {
        var license = await server.CreateLicenseAsync(mode: 2, seats: 1, heartbeatSeconds: 30);
        var token = await RequestAsync(license, "m1");
        server.Clock.Advance(TimeSpan.FromMinutes(5));

        await server.RunExpiryTimerAsync();
        await server.RunExpiryTimerAsync();

        var events = await EventsAsync(license.LicenseId);
        Assert.Equal(["seat.lapsed", "seat.granted", "license.created"], events.Select(Type));
        AssertLapseOf(events[0], token, "m1");
    }

    [Fact]
    public async Task A_lapse_ended_by_a_grant_that_needs_its_seat_is_recorded_once_in_the_grant_itself()
    {
        var license = await server.CreateLicenseAsync(mode: 2, seats: 1, heartbeatSeconds: 30);
        var lapsed = await RequestAsync(license, "m1");
        server.Clock.Advance(TimeSpan.FromMinutes(5));

        var granted = await RequestAsync(license, "m2");
        var events = await EventsAsync(license.LicenseId);
        await server.RunExpiryTimerAsync();
        await server.RunExpiryTimerAsync();

        Assert.Equal(4, events.Count);
        // The newest two are the grant's own transaction; the contract leaves the order within one transaction open.
        var transaction = events.Take(2).ToList();
        var grant = Assert.Single(transaction, e => Type(e) == "seat.granted");
        Assert.Equal(SeatTokens.TokenId(granted), grant.GetProperty("token").GetString());
        Assert.Equal(("m2", ClientKeyId), (grant.GetProperty("machineId").GetString(), grant.GetProperty("actor").GetString()));
        AssertLapseOf(Assert.Single(transaction, e => Type(e) == "seat.lapsed"), lapsed, "m1");
        Assert.Equal(["seat.granted", "license.created"], events.Skip(2).Select(Type));
        Assert.Equal(events.Select(e => e.GetRawText()), (await EventsAsync(license.LicenseId)).Select(e => e.GetRawText()));
    }

    [Fact]
    public async Task A_deleted_license_keeps_its_trail_and_the_deletion_is_on_it()
    {
        var license = await server.CreateLicenseAsync(mode: 2, seats: 1);
        await RequestAsync(license, "m1");
        using (var deleted = await server.SendAsync(HttpMethod.Delete, $"v1/admin/licenses/{license.LicenseId}", null, ServerFixture.AdminKey))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        Assert.Equal(["license.deleted", "seat.granted", "license.created"], (await EventsAsync(license.LicenseId)).Select(Type));
        Assert.Empty(await server.StoredRowsAsync(license.LicenseId));
    }

    [Fact]
    public async Task The_trail_pages_newest_first_with_a_continuation_token()
    {
        var license = await server.CreateLicenseAsync(mode: 2, seats: 10);
        for (var i = 0; i < 4; i++)
        {
            await RequestAsync(license, $"m{i}");
            server.Clock.Advance(TimeSpan.FromSeconds(1));
        }

        var seen = new List<JsonElement>();
        string? next = null;
        var pages = 0;
        do
        {
            var query = $"v1/admin/licenses/{license.LicenseId}/events?pageSize=2" + (next is null ? "" : "&continuationToken=" + Uri.EscapeDataString(next));
            var page = (await server.SendForJsonAsync(HttpMethod.Get, query, null, ServerFixture.AdminKey)).RootElement;
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(e => e.Clone()));
            next = page.GetProperty("continuationToken").GetString();
            pages++;
        }
        while (next is not null && pages < 10);

        Assert.Equal(["m3", "m2", "m1", "m0"], seen.Take(4).Select(e => e.GetProperty("machineId").GetString()));
        Assert.Equal("license.created", Type(seen[^1]));
        Assert.Equal(5, seen.Count);
        Assert.Equal(5, seen.Select(e => e.GetProperty("id").GetString()).Distinct().Count());
    }

    [Fact]
    public async Task The_trail_answers_problems_for_bad_paging_an_unknown_license_and_a_client_key()
    {
        var license = await server.CreateLicenseAsync(mode: 2, seats: 1);
        var route = $"v1/admin/licenses/{license.LicenseId}/events";

        using var badSize = await server.SendAsync(HttpMethod.Get, route + "?pageSize=0", null, ServerFixture.AdminKey);
        using var badToken = await server.SendAsync(HttpMethod.Get, route + "?continuationToken=garbage", null, ServerFixture.AdminKey);
        using var unknown = await server.SendAsync(HttpMethod.Get, "v1/admin/licenses/lic_aaaaaaaaaaaaaaaaaaaaaaaaaa/events", null, ServerFixture.AdminKey);
        using var client = await server.SendAsync(HttpMethod.Get, route, null, server.ClientKey);

        Assert.Equal(HttpStatusCode.BadRequest, badSize.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badToken.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, client.StatusCode);
    }

    [Fact]
    public async Task Creating_and_deleting_an_api_key_is_recorded_without_its_secret_and_the_key_list_shows_no_events()
    {
        var created = (await server.AdminPostAsync("v1/admin/api-keys", new { name = "audited", scope = "client", productId = "paint" })).RootElement;
        var id = created.GetProperty("id").GetString()!;
        var secret = created.GetProperty("key").GetString()!;
        using (var deleted = await server.SendAsync(HttpMethod.Delete, $"v1/admin/api-keys/{id}", null, ServerFixture.AdminKey))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        using var trail = await server.SendAsync(HttpMethod.Get, "v1/admin/api-keys/events?pageSize=1000", null, ServerFixture.AdminKey);
        var text = await trail.Content.ReadAsStringAsync();
        var mine = JsonDocument.Parse(text).RootElement.GetProperty("items").EnumerateArray().Where(e => e.GetProperty("apiKeyId").GetString() == id).ToList();
        var keys = (await server.SendForJsonAsync(HttpMethod.Get, "v1/admin/api-keys", null, ServerFixture.AdminKey)).RootElement.GetProperty("items");

        Assert.Equal(["apikey.deleted", "apikey.created"], mine.Select(Type));
        Assert.All(mine, e => Assert.Equal("bootstrap-admin", e.GetProperty("actor").GetString()));
        Assert.Equal("paint", mine[1].GetProperty("changes").GetProperty("productId").GetString());
        Assert.Equal(JsonValueKind.Null, mine[1].GetProperty("licenseId").ValueKind);
        Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        Assert.DoesNotContain(secret.Split('_')[2], text, StringComparison.Ordinal);
        Assert.All(keys.EnumerateArray(), k => Assert.Equal(10, k.GetProperty("id").GetString()!.Length));
    }

    private string ClientKeyId => server.ClientKey.Split('_')[1];

    /// <summary>A lapse as the contract records it: the lease's own token and machine, the server as actor, no address, at the clock's now.</summary>
    private void AssertLapseOf(JsonElement lapse, string licenseToken, string machineId)
    {
        Assert.Equal("seat.lapsed", Type(lapse));
        Assert.Equal(SeatTokens.TokenId(licenseToken), lapse.GetProperty("token").GetString());
        Assert.Equal(machineId, lapse.GetProperty("machineId").GetString());
        Assert.Equal("server", lapse.GetProperty("actor").GetString());
        Assert.Equal(JsonValueKind.Null, lapse.GetProperty("clientAddr").ValueKind);
        Assert.Equal(server.Clock.GetUtcNow().ToUnixTimeSeconds(), lapse.GetProperty("at").GetProperty("seconds").GetInt64());
    }

    private static string? Type(JsonElement e) => e.GetProperty("type").GetString();

    private async Task<List<JsonElement>> EventsAsync(string licenseId)
    {
        var page = (await server.SendForJsonAsync(HttpMethod.Get, $"v1/admin/licenses/{licenseId}/events", null, ServerFixture.AdminKey)).RootElement;
        return page.GetProperty("items").EnumerateArray().Select(e => e.Clone()).ToList();
    }

    private async Task<string> RequestAsync(License license, string machineId, string? clientName = null)
    {
        var granted = await ClientPostAsync("v1/license/request", new { license.UserKey, machineId, clientName });
        Assert.True(granted.GetProperty("granted").GetBoolean(), granted.GetRawText());
        return granted.GetProperty("licenseToken").GetString()!;
    }

    private async Task<JsonElement> ClientPostAsync(string route, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, route) { Content = System.Net.Http.Json.JsonContent.Create(body) };
        request.Headers.Add("x-api-key", server.ClientKey);
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        using var client = LoopbackSource.Client(server.Http.BaseAddress!, Address);
        using var response = await client.SendAsync(request);
        return (await ServerFixture.ReadJsonAsync(response)).RootElement.Clone();
    }
}
