using System.Net;
using System.Text.Json;
using Licensing.Tests.Support;
using Licensing.Webhooks;

namespace Licensing.Tests.Webhooks;

/// <summary>Deliveries over real HTTP to a receiver on loopback: each test has its own server, clock, tables and receiver.</summary>
public sealed class WebhookDeliveryTests : WebhookHarness
{
    private const int Activation = 1;
    private const int Floating = 2;

    [Fact]
    public async Task Every_event_type_arrives_once_signed_with_a_key_of_the_public_jwks()
    {
        var webhookId = await Server.CreateWebhookAsync(Receiver.Url(), ["*"]);
        await MakeEveryKindOfEventAsync(webhookId);

        var run = await Server.RunDispatcherAsync();

        var received = Receiver.Received.ToArray();
        var jwks = await Server.JwksAsync();
        var bodies = received.Select(r => JsonDocument.Parse(r.Body).RootElement).ToArray();
        Assert.Equal(WebhookRules.EventTypes.Order(StringComparer.Ordinal), bodies.Select(b => b.GetProperty("type").GetString()!).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(
            ["apikey.created", "apikey.deleted", "license.created", "license.created", "license.created", "license.deleted", "license.updated", "meter.reset",
             "portal.signed_in", "seat.activated", "seat.activated", "seat.borrowed", "seat.deactivated", "seat.granted", "seat.granted", "seat.lapsed", "seat.released", "seat.revoked", "usage.limit_reached", "webhook.ping"],
            bodies.Select(b => b.GetProperty("type").GetString()!).Order(StringComparer.Ordinal));
        Assert.Equal(received.Length, run.Delivered);
        Assert.All(received, r => Assert.True(WebhookServer.SignatureVerifies(jwks, r), r.Body));
        using var client = new Licensing.Client.LicensingClient(new HttpClient(), new Licensing.Client.LicensingClientOptions { BaseAddress = Server.Http.BaseAddress, ApiKey = Server.ClientKey }, Server.Clock);
        var verifier = new Licensing.Client.WebhookVerifier(client);
        foreach (var delivery in received)
        {
            var verified = await verifier.VerifyAsync(
                new Dictionary<string, string> { ["Licensing-Event-Id"] = delivery.EventId, ["Licensing-Timestamp"] = delivery.Timestamp, ["Licensing-Signature"] = delivery.Signature },
                delivery.Body);
            Assert.Equal(delivery.EventId, verified.Id);
        }

        Assert.All(received.Zip(bodies), pair => Assert.Equal(pair.First.EventId, pair.Second.GetProperty("id").GetString()));
        Assert.Equal(received.Length, received.Select(r => r.EventId).Distinct().Count());
        Assert.All(received, r => Assert.Equal(Server.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), r.Timestamp));
    }

    [Fact]
    public async Task A_grant_arrives_with_its_license_product_sequence_actor_and_seat()
    {
        var webhookId = await Server.CreateWebhookAsync(Receiver.Url(), ["seat.granted"]);
        var license = await Server.CreateLicenseAsync(Floating, seats: 1, extra: new { productId = "editor" });
        var grant = await Server.CallAsync("v1/license/request", new { license.UserKey, machineId = "m1", clientName = "Ada's laptop" });

        await Server.RunDispatcherAsync();

        var delivery = Assert.Single(Receiver.Received);
        var body = JsonDocument.Parse(delivery.Body).RootElement;
        Assert.Equal("seat.granted", body.GetProperty("type").GetString());
        Assert.Equal(license.LicenseId, body.GetProperty("licenseId").GetString());
        Assert.Equal("editor", body.GetProperty("productId").GetString());
        Assert.Equal(2, body.GetProperty("sequence").GetInt64());
        Assert.Equal(TestClock.StartsAt.ToUnixTimeSeconds(), body.GetProperty("at").GetProperty("seconds").GetInt64());
        Assert.Equal("m1", body.GetProperty("data").GetProperty("machineId").GetString());
        Assert.Equal("Ada's laptop", body.GetProperty("data").GetProperty("clientName").GetString());
        var stored = (await Server.StoredEventsAsync(license.LicenseId)).First();
        Assert.Equal(stored.GetString("Actor"), body.GetProperty("actor").GetString());
        Assert.Equal(10, stored.GetString("Actor").Length);
        Assert.True(grant.RootElement.GetProperty("granted").GetBoolean());
        var log = await Server.DeliveriesAsync(webhookId);
        var entry = Assert.Single(log);
        Assert.Equal((delivery.EventId, "seat.granted", 1, "delivered", 200), (entry.GetProperty("eventId").GetString(), entry.GetProperty("type").GetString(),
            entry.GetProperty("attempt").GetInt32(), entry.GetProperty("state").GetString(), entry.GetProperty("httpStatus").GetInt32()));
    }

    [Fact]
    public async Task A_receiver_failing_three_times_gets_the_event_on_the_fourth_attempt_and_the_log_shows_all_four()
    {
        var webhookId = await Server.CreateWebhookAsync(Receiver.Url(), ["seat.*"]);
        var license = await Server.CreateLicenseAsync(Floating, seats: 1);
        await Server.CallAsync("v1/license/request", new { license.UserKey, machineId = "m1" });
        Receiver.AnswerNext(500, 500, 500);

        await Server.RunDispatcherAsync();
        for (var retry = 0; retry < 3; retry++)
        {
            Server.Clock.Advance(TimeSpan.FromHours(3));
            await Server.RunDispatcherAsync();
        }

        var received = Receiver.Received.ToArray();
        Assert.Equal(4, received.Length);
        Assert.Single(received.Select(r => r.Body).Distinct());
        var log = await Server.DeliveriesAsync(webhookId);
        Assert.Equal(4, log.Length);
        Assert.Single(log.Select(e => e.GetProperty("id").GetString()).Distinct());
        Assert.Equal([4, 3, 2, 1], log.Select(e => e.GetProperty("attempt").GetInt32()));
        Assert.Equal(["delivered", "retrying", "retrying", "retrying"], log.Select(e => e.GetProperty("state").GetString()));
        Assert.Equal([200, 500, 500, 500], log.Select(e => e.GetProperty("httpStatus").GetInt32()));
        Assert.Equal(JsonValueKind.Null, log[0].GetProperty("nextAttemptAt").ValueKind);
        Assert.All(log.Skip(1), e => Assert.Equal(JsonValueKind.Object, e.GetProperty("nextAttemptAt").ValueKind));
    }

    [Fact]
    public async Task After_72_hours_of_failures_a_delivery_is_failed_and_redeliver_sends_it_again()
    {
        var webhookId = await Server.CreateWebhookAsync(Receiver.Url(), ["*"]);
        await Server.AdminPostAsync($"v1/admin/webhooks/{webhookId}/ping", new { });
        Receiver.AnswerNext(Enumerable.Repeat(503, 25).ToArray());

        await Server.RunDispatcherAsync();
        for (var hours = 3; hours <= 72; hours += 3)
        {
            Server.Clock.Advance(TimeSpan.FromHours(3));
            await Server.RunDispatcherAsync();
        }

        var failed = await Server.DeliveriesAsync(webhookId);
        Assert.Equal(25, failed.Length);
        Assert.Equal(("failed", 25, 503), (failed[0].GetProperty("state").GetString(), failed[0].GetProperty("attempt").GetInt32(), failed[0].GetProperty("httpStatus").GetInt32()));
        Assert.Equal(24, failed.Count(e => e.GetProperty("state").GetString() == "retrying"));
        Server.Clock.Advance(TimeSpan.FromHours(3));
        await Server.RunDispatcherAsync();
        Assert.Equal(25, Receiver.Received.Count);

        var deliveryId = failed[0].GetProperty("id").GetString();
        using var redeliver = await Server.SendAsync(HttpMethod.Post, $"v1/admin/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver", null, ServerFixture.AdminKey);
        var scheduled = (await ServerFixture.ReadJsonAsync(redeliver)).RootElement;
        await Server.RunDispatcherAsync();

        Assert.Equal(HttpStatusCode.Accepted, redeliver.StatusCode);
        Assert.Equal(("pending", 26), (scheduled.GetProperty("state").GetString(), scheduled.GetProperty("attempt").GetInt32()));
        Assert.Equal(26, Receiver.Received.Count);
        Assert.Single(Receiver.Received.Select(r => r.EventId).Distinct());
        var log = await Server.DeliveriesAsync(webhookId);
        Assert.Equal(26, log.Length);
        Assert.Equal(("delivered", 26, 200), (log[0].GetProperty("state").GetString(), log[0].GetProperty("attempt").GetInt32(), log[0].GetProperty("httpStatus").GetInt32()));
    }

    [Fact]
    public async Task A_grant_committed_by_a_server_that_stopped_before_dispatching_is_delivered_by_the_next_server()
    {
        var webhookId = await Server.CreateWebhookAsync(Receiver.Url(), ["seat.granted"]);
        var license = await Server.CreateLicenseAsync(Floating, seats: 1);
        await Server.CallAsync("v1/license/request", new { license.UserKey, machineId = "m1" });
        var events = await Server.StoredEventsAsync(license.LicenseId);
        await Server.DisposeAsync();

        Server = await WebhookServer.StartAsync(tablePrefix: Server.TablePrefix, clock: Server.Clock);
        var run = await Server.RunDispatcherAsync();

        var delivery = Assert.Single(Receiver.Received);
        var body = JsonDocument.Parse(delivery.Body).RootElement;
        Assert.Equal(("seat.granted", license.LicenseId), (body.GetProperty("type").GetString(), body.GetProperty("licenseId").GetString()));
        Assert.Equal(2, events.Count);
        Assert.Equal((1, 1, 1), (run.Hints, run.Fanned, run.Delivered));
        Assert.True(WebhookServer.SignatureVerifies(await Server.JwksAsync(), delivery));
        var entry = Assert.Single(await Server.DeliveriesAsync(webhookId));
        Assert.Equal((delivery.EventId, "delivered"), (entry.GetProperty("eventId").GetString(), entry.GetProperty("state").GetString()));
    }

    [Fact]
    public async Task A_webhook_for_one_product_hears_nothing_of_another_products_licenses()
    {
        await Server.CreateWebhookAsync(Receiver.Url("editor"), ["seat.*"], productId: "editor");
        var other = await Server.CreateLicenseAsync(Floating, seats: 1, extra: new { productId = "viewer" });
        var mine = await Server.CreateLicenseAsync(Floating, seats: 1, extra: new { productId = "editor" });
        await Server.CallAsync("v1/license/request", new { other.UserKey, machineId = "m1" });
        await Server.CallAsync("v1/license/request", new { mine.UserKey, machineId = "m1" });

        await Server.RunDispatcherAsync();

        var delivery = Assert.Single(Receiver.Received);
        Assert.Equal(mine.LicenseId, JsonDocument.Parse(delivery.Body).RootElement.GetProperty("licenseId").GetString());
    }

    /// <summary>One event of every type, and a ping.</summary>
    private async Task MakeEveryKindOfEventAsync(string webhookId)
    {
        var activation = await Server.CreateLicenseAsync(Activation, seats: 2);
        await Server.CallAsync("v1/license/activate", new { activation.UserKey, machineId = "pc-1" });
        await Server.CallAsync("v1/license/deactivate", new { activation.UserKey, machineId = "pc-1" });
        var activated = await Server.CallAsync("v1/license/activate", new { activation.UserKey, machineId = "pc-2" });
        await Server.AdminPostAsync($"v1/admin/licenses/{activation.LicenseId}/tokens/revoke",
            new { licenseToken = activated.RootElement.GetProperty("licenseToken").GetString() });
        await Server.SendForJsonAsync(HttpMethod.Patch, $"v1/admin/licenses/{activation.LicenseId}", new { customerName = "Ada" }, ServerFixture.AdminKey);
        using (await Server.SendAsync(HttpMethod.Delete, $"v1/admin/licenses/{activation.LicenseId}", null, ServerFixture.AdminKey))
        {
        }

        var metered = await Server.CreateLicenseAsync(Activation, seats: 1, extra: new { meters = new[] { new { code = "exports", limit = 1 } } });
        await Server.CallAsync("v1/license/usage", new { metered.UserKey, machineId = "pc-1", meter = "exports", amount = 1, eventId = "e-1" });
        await Server.AdminPostAsync($"v1/admin/licenses/{metered.LicenseId}/meters/exports/reset", new { });

        var floating = await Server.CreateLicenseAsync(Floating, seats: 2, heartbeatSeconds: 5, extra: new { maxBorrowDuration = new { seconds = 60, nanos = 0 } });
        var lease = await Server.CallAsync("v1/license/request", new { floating.UserKey, machineId = "m1" });
        await Server.CallAsync("v1/license/borrow", new { licenseToken = lease.RootElement.GetProperty("licenseToken").GetString(), machineId = "m1", borrowFor = new { seconds = 30, nanos = 0 } });
        await Server.CallAsync("v1/license/release", new { licenseToken = lease.RootElement.GetProperty("licenseToken").GetString(), machineId = "m1" });
        await Server.CallAsync("v1/license/request", new { floating.UserKey, machineId = "m2" });
        await Server.AdminPostAsync("v1/portal/session", new { floating.UserKey });
        Server.Clock.Advance(TimeSpan.FromSeconds(11));
        await Server.RunExpiryTimerAsync();

        var key = await Server.AdminPostAsync("v1/admin/api-keys", new { name = "temporary", scope = "client" });
        using (await Server.SendAsync(HttpMethod.Delete, $"v1/admin/api-keys/{key.RootElement.GetProperty("id").GetString()}", null, ServerFixture.AdminKey))
        {
        }

        await Server.AdminPostAsync($"v1/admin/webhooks/{webhookId}/ping", new { });
    }
}
