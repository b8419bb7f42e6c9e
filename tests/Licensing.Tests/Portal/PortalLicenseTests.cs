using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Licensing.Client;
using Licensing.Tests.Support;

namespace Licensing.Tests.Portal;

/// <summary>
/// What a session sees and does: its own license (the admin view of it, with its live seats and moves left, never a
/// bearer token), its seat events, freeing a seat (a counted move in mode 1, a release in mode 2, recorded with the actor
/// customer), the signed license document, and offline activation; another license's seats are not there at all.
/// </summary>
public sealed class PortalLicenseTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const int Activation = 1;
    private const int Floating = 2;
    private static readonly string[] Pro = ["pro"];

    [Fact]
    public async Task The_owner_sees_the_admin_view_of_the_license_with_its_live_seats_and_moves_left_and_no_bearer_token()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 3, extra: new { maxTransfers = 3, customerName = "Ada", features = Pro });
        var desk = (await server.CallAsync("v1/license/activate", new { license.UserKey, machineId = "desk", clientName = "Ada's desk" })).RootElement;
        await server.CallAsync("v1/license/activate", new { license.UserKey, machineId = "laptop" });
        await server.CallAsync("v1/license/deactivate", new { license.UserKey, machineId = "laptop" });
        var deskId = await server.SeatIdAsync(license, "desk");
        using var admin = await server.SendForJsonAsync(HttpMethod.Get, $"v1/admin/licenses/{license.LicenseId}", null, ServerFixture.AdminKey);
        var session = await server.SignInAsync(license);

        using var response = await server.SendWithBearerAsync(HttpMethod.Get, "v1/portal/license", session);
        var text = await response.Content.ReadAsStringAsync();
        var body = JsonNode.Parse(text)!.AsObject();
        var view = body["license"]!.AsObject();
        var seats = view["licenseTokens"]!.AsArray();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("active", body["status"]!.GetValue<string>());
        Assert.Equal("""{"maxTransfers":3,"movesLeft":2,"nextMoveAt":null}""", body["transfers"]!.ToJsonString());
        Assert.Single(seats);
        Assert.Equal(
            (deskId, "desk", "Ada's desk", "live", server.Clock.GetUtcNow().ToUnixTimeSeconds()),
            (seats[0]!["token"]!.GetValue<string>(), seats[0]!["machineId"]!.GetValue<string>(), seats[0]!["clientName"]!.GetValue<string>(),
             seats[0]!["state"]!.GetValue<string>(), seats[0]!["lastHearbeat"]!["seconds"]!.GetValue<long>()));
        Assert.DoesNotContain(desk.GetProperty("licenseToken").GetString()!, text, StringComparison.Ordinal);
        Assert.Equal(Without(JsonNode.Parse(admin.RootElement.GetRawText())!.AsObject(), "licenseTokens", "truncated"), Without(view, "licenseTokens", "truncated"));
    }

    [Fact]
    public async Task A_seat_of_another_license_is_not_found_and_stays_as_it_was()
    {
        var own = await server.CreateLicenseAsync(Activation, seats: 2);
        var other = await server.CreateLicenseAsync(Activation, seats: 2);
        await server.CallAsync("v1/license/activate", new { own.UserKey, machineId = "m1" });
        await server.CallAsync("v1/license/activate", new { other.UserKey, machineId = "m1" });
        var othersSeat = await server.SeatIdAsync(other, "m1");
        var eventsBefore = (await server.StoredEventsAsync(other.LicenseId)).Count;
        var session = await server.SignInAsync(own);

        var (status, problem) = await server.PortalAsync(HttpMethod.Post, $"v1/portal/license/seats/{othersSeat}/release", session);
        var (_, view) = await server.PortalAsync(HttpMethod.Get, "v1/portal/license", session);

        Assert.Equal((HttpStatusCode.NotFound, "token_not_found"), (status, problem.GetProperty("code").GetString()));
        Assert.Equal(own.LicenseId, view.GetProperty("license").GetProperty("licenseId").GetString());
        Assert.Equal(1, (await server.StoredLicenseRowAsync(other.LicenseId))!.GetInt32("LiveSeats"));
        Assert.Equal(eventsBefore, (await server.StoredEventsAsync(other.LicenseId)).Count);
        Assert.Equal(othersSeat, await server.SeatIdAsync(other, "m1"));
    }

    [Fact]
    public async Task Freeing_node_locked_seats_counts_moves_and_past_max_transfers_is_refused_until_the_oldest_move_is_30_days_old()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 3, extra: new { maxTransfers = 2 });
        foreach (var machine in new[] { "a", "b", "c" })
        {
            await server.CallAsync("v1/license/activate", new { license.UserKey, machineId = machine });
        }

        var ids = new[] { await server.SeatIdAsync(license, "a"), await server.SeatIdAsync(license, "b"), await server.SeatIdAsync(license, "c") };
        var session = await server.SignInAsync(license);
        var firstMove = server.Clock.GetUtcNow();

        var (firstStatus, first) = await server.PortalAsync(HttpMethod.Post, $"v1/portal/license/seats/{ids[0]}/release", session);
        server.Clock.Advance(TimeSpan.FromDays(1));
        session = await server.SignInAsync(license);
        var (secondStatus, second) = await server.PortalAsync(HttpMethod.Post, $"v1/portal/license/seats/{ids[1]}/release", session);
        using var third = await server.SendWithBearerAsync(HttpMethod.Post, $"v1/portal/license/seats/{ids[2]}/release", session);
        var refusal = await third.Content.ReadAsStringAsync();
        var liveAfterRefusal = (await server.StoredLicenseRowAsync(license.LicenseId))!.GetInt32("LiveSeats");
        server.Clock.SetUtcNow(firstMove + TimeSpan.FromDays(30));
        session = await server.SignInAsync(license);
        var (laterStatus, later) = await server.PortalAsync(HttpMethod.Post, $"v1/portal/license/seats/{ids[2]}/release", session);

        Assert.Equal(HttpStatusCode.OK, firstStatus);
        Assert.Equal("""{"maxTransfers":2,"movesLeft":1,"nextMoveAt":null}""", first.GetProperty("transfers").GetRawText());
        Assert.Equal(2, first.GetProperty("license").GetProperty("licenseTokens").GetArrayLength());
        Assert.Equal(HttpStatusCode.OK, secondStatus);
        Assert.Equal(
            $$$"""{"maxTransfers":2,"movesLeft":0,"nextMoveAt":{"seconds":{{{(firstMove + TimeSpan.FromDays(30)).ToUnixTimeSeconds()}}},"nanos":0}}""",
            second.GetProperty("transfers").GetRawText());
        Assert.Equal(HttpStatusCode.Conflict, third.StatusCode);
        Assert.Equal(
            """{"type":"https://httpstatuses.io/409","title":"The license's seats have moved to other machines as often as its terms allow in 30 days.","status":409,"detail":"This license allows 2 moves in 30 days; 0 are left until 1 April.","code":"transfer_limit_reached"}""",
            refusal);
        Assert.Equal(1, liveAfterRefusal);
        Assert.Equal(HttpStatusCode.OK, laterStatus);
        Assert.Equal(0, later.GetProperty("license").GetProperty("licenseTokens").GetArrayLength());
    }

    [Fact]
    public async Task A_freed_lease_is_released_and_the_trail_shows_the_customer_as_actor_newest_first()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 2);
        var lease = (await server.CallAsync("v1/license/request", new { license.UserKey, machineId = "m1", clientName = "build-7" })).RootElement;
        var seat = await server.SeatIdAsync(license, "m1");
        var session = await server.SignInAsync(license);

        var (freed, _) = await server.PortalAsync(HttpMethod.Post, $"v1/portal/license/seats/{seat}/release", session);
        var heartbeat = (await server.CallAsync("v1/license/heartbeat", new { licenseToken = lease.GetProperty("licenseToken").GetString(), machineId = "m1" })).RootElement;
        var (_, events) = await server.PortalAsync(HttpMethod.Get, "v1/portal/license/events", session);
        using var adminEvents = await server.SendForJsonAsync(HttpMethod.Get, $"v1/admin/licenses/{license.LicenseId}/events", null, ServerFixture.AdminKey);

        Assert.Equal(HttpStatusCode.OK, freed);
        Assert.Equal(("token_released", false), (heartbeat.GetProperty("reason").GetString(), heartbeat.GetProperty("active").GetBoolean()));
        var items = events.GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal(["seat.released", "portal.signed_in", "seat.granted"], items.Select(e => e.GetProperty("type").GetString()!));
        Assert.Equal(("customer", seat, "m1", "build-7"), (items[0].GetProperty("actor").GetString(), items[0].GetProperty("token").GetString(), items[0].GetProperty("machineId").GetString(), items[0].GetProperty("clientName").GetString()));
        var adminNewest = adminEvents.RootElement.GetProperty("items")[0];
        Assert.Equal(("seat.released", "customer"), (adminNewest.GetProperty("type").GetString(), adminNewest.GetProperty("actor").GetString()));
        Assert.Equal(0, (await server.StoredLicenseRowAsync(license.LicenseId))!.GetInt32("LiveSeats"));
    }

    [Fact]
    public async Task The_license_document_downloads_as_the_signed_bytes_of_license_key()
    {
        var license = await server.CreateLicenseAsync(0, seats: 1, extra: new { features = Pro });
        var session = await server.SignInAsync(license);

        using var response = await server.SendWithBearerAsync(HttpMethod.Get, "v1/portal/license/document", session);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        using var client = new LicensingClient(new HttpClient(), new LicensingClientOptions { BaseAddress = server.Http.BaseAddress, ApiKey = server.ClientKey }, server.Clock);
        var verified = (await client.GetVerifierAsync()).VerifyDocument(bytes);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/jose", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal($"attachment; filename=\"{license.LicenseId}.lic\"", response.Content.Headers.ContentDisposition!.ToString());
        Assert.Equal(license.LicenseId, verified.LicenseId);
        Assert.Equal(["pro"], verified.Features);
        Assert.Equal("license+jwt", PortalCalls.ReadJws(Encoding.ASCII.GetString(bytes)).Header.GetProperty("typ").GetString());
    }

    [Fact]
    public async Task An_offline_machine_is_activated_and_deactivated_through_the_session_and_only_for_its_license()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 2);
        var other = await server.CreateLicenseAsync(Activation, seats: 2);
        var session = await server.SignInAsync(license);
        var now = server.Clock.GetUtcNow();

        var (status, activated) = await server.PortalAsync(
            HttpMethod.Post, "v1/portal/license/offline/activate", session, new { request = OfflineWire.Request(license.UserKey, "air-1", OfflineWire.NewRequestId(), now, clientName: "Lab PC") });
        var (_, foreign) = await server.PortalAsync(
            HttpMethod.Post, "v1/portal/license/offline/activate", session, new { request = OfflineWire.Request(other.UserKey, "air-1", OfflineWire.NewRequestId(), now) });
        var (_, view) = await server.PortalAsync(HttpMethod.Get, "v1/portal/license", session);
        var response = activated.GetProperty("response").GetString()!;
        var (_, deactivated) = await server.PortalAsync(HttpMethod.Post, "v1/portal/license/offline/deactivate", session, new { proof = OfflineWire.Proof(response, now) });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(activated.GetProperty("success").GetBoolean(), activated.GetRawText());
        Assert.Equal(("air-1", license.LicenseId), (OfflineWire.Read(response).Payload.GetProperty("machineId").GetString(), OfflineWire.Read(response).Payload.GetProperty("licenseId").GetString()));
        Assert.Equal(
            """{"success":false,"response":null,"reason":"license_not_found","message":"No license matches this user key."}""",
            foreign.GetRawText());
        var seat = Assert.Single(view.GetProperty("license").GetProperty("licenseTokens").EnumerateArray());
        Assert.Equal(("air-1", "Lab PC"), (seat.GetProperty("machineId").GetString(), seat.GetProperty("clientName").GetString()));
        Assert.Equal((true, 0), (deactivated.GetProperty("success").GetBoolean(), deactivated.GetProperty("activeClientCount").GetInt32()));
        Assert.Equal(0, (await server.StoredLicenseRowAsync(other.LicenseId))!.GetInt32("LiveSeats"));
    }

    private static string Without(JsonObject view, params string[] names)
    {
        var copy = view.DeepClone().AsObject();
        foreach (var name in names)
        {
            copy.Remove(name);
        }

        return copy.ToJsonString();
    }
}
