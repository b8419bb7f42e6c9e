using System.Net;
using System.Text.Json;
using Licensing.Tests.Support;
using Licensing.Webhooks;

namespace Licensing.Tests.Webhooks;

/// <summary>Deliveries over real HTTP to a receiver on loopback: each test has its own server, clock, tables and receiver.</summary>
public sealed class WebhookDeliveryTests : IAsyncLifetime
{
    private const int Activation = 1;
    private const int Floating = 2;

    private ServerFixture _server = null!;
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync()
    {
        _server = await WebhookServer.StartAsync();
        _receiver = await WebhookReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Every_event_type_arrives_once_signed_with_a_key_of_the_public_jwks()
    {
        var webhookId = await _server.CreateWebhookAsync(_receiver.Url(), ["*"]);
        await MakeEveryKindOfEventAsync(webhookId);

        var run = await _server.RunDispatcherAsync();

        var received = _receiver.Received.ToArray();
        var jwks = await _server.JwksAsync();
        var bodies = received.Select(r => JsonDocument.Parse(r.Body).RootElement).ToArray();
        Assert.Equal(WebhookRules.EventTypes.Order(StringComparer.Ordinal), bodies.Select(b => b.GetProperty("type").GetString()!).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(
            ["apikey.created", "apikey.deleted", "license.created", "license.created", "license.deleted", "license.updated", "seat.activated", "seat.activated",
             "seat.deactivated", "seat.granted", "seat.granted", "seat.lapsed", "seat.released", "seat.revoked", "webhook.ping"],
            bodies.Select(b => b.GetProperty("type").GetString()!).Order(StringComparer.Ordinal));
        Assert.Equal(received.Length, run.Delivered);
        Assert.All(received, r => Assert.True(WebhookServer.SignatureVerifies(jwks, r), r.Body));
        using var client = new Licensing.Client.LicensingClient(new HttpClient(), new Licensing.Client.LicensingClientOptions { BaseAddress = _server.Http.BaseAddress, ApiKey = _server.ClientKey }, _server.Clock);
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
        Assert.All(received, r => Assert.Equal(_server.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), r.Timestamp));
    }

    [Fact]
    public async Task A_grant_arrives_with_its_license_product_sequence_actor_and_seat()
    {
        var webhookId = await _server.CreateWebhookAsync(_receiver.Url(), ["seat.granted"]);
        var license = await _server.CreateLicenseAsync(Floating, seats: 1, extra: new { productId = "editor" });
        var grant = await _server.CallAsync("v1/license/request", new { license.UserKey, machineId = "m1", clientName = "Ada's laptop" });

        await _server.RunDispatcherAsync();

        var delivery = Assert.Single(_receiver.Received);
        var body = JsonDocument.Parse(delivery.Body).RootElement;
        Assert.Equal("seat.granted", body.GetProperty("type").GetString());
        Assert.Equal(license.LicenseId, body.GetProperty("licenseId").GetString());
        Assert.Equal("editor", body.GetProperty("productId").GetString());
        Assert.Equal(2, body.GetProperty("sequence").GetInt64());
        Assert.Equal(TestClock.StartsAt.ToUnixTimeSeconds(), body.GetProperty("at").GetProperty("seconds").GetInt64());
        Assert.Equal("m1", body.GetProperty("data").GetProperty("machineId").GetString());
        Assert.Equal("Ada's laptop", body.GetProperty("data").GetProperty("clientName").GetString());
        var stored = (await _server.StoredEventsAsync(license.LicenseId)).First();
        Assert.Equal(stored.GetString("Actor"), body.GetProperty("actor").GetString());
        Assert.Equal(10, stored.GetString("Actor").Length);
        Assert.True(grant.RootElement.GetProperty("granted").GetBoolean());
        var log = await _server.DeliveriesAsync(webhookId);
        var entry = Assert.Single(log);
        Assert.Equal((delivery.EventId, "seat.granted", 1, "delivered", 200), (entry.GetProperty("eventId").GetString(), entry.GetProperty("type").GetString(),
            entry.GetProperty("attempt").GetInt32(), entry.GetProperty("state").GetString(), entry.GetProperty("httpStatus").GetInt32()));
    }

    [Fact]
    public async Task A_receiver_failing_three_times_gets_the_event_on_the_fourth_attempt_and_the_log_shows_all_four()
    {
        var webhookId = await _server.CreateWebhookAsync(_receiver.Url(), ["seat.*"]);
        var license = await _server.CreateLicenseAsync(Floating, seats: 1);
        await _server.CallAsync("v1/license/request", new { license.UserKey, machineId = "m1" });
        _receiver.AnswerNext(500, 500, 500);

        await _server.RunDispatcherAsync();
        for (var retry = 0; retry < 3; retry++)
        {
            _server.Clock.Advance(TimeSpan.FromHours(3));
            await _server.RunDispatcherAsync();
        }

        var received = _receiver.Received.ToArray();
        Assert.Equal(4, received.Length);
        Assert.Single(received.Select(r => r.Body).Distinct());
        var log = await _server.DeliveriesAsync(webhookId);
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
        var webhookId = await _server.CreateWebhookAsync(_receiver.Url(), ["*"]);
        await _server.AdminPostAsync($"v1/admin/webhooks/{webhookId}/ping", new { });
        _receiver.AnswerNext(Enumerable.Repeat(503, 25).ToArray());

        await _server.RunDispatcherAsync();
        for (var hours = 3; hours <= 72; hours += 3)
        {
            _server.Clock.Advance(TimeSpan.FromHours(3));
            await _server.RunDispatcherAsync();
        }

        var failed = await _server.DeliveriesAsync(webhookId);
        Assert.Equal(25, failed.Length);
        Assert.Equal(("failed", 25, 503), (failed[0].GetProperty("state").GetString(), failed[0].GetProperty("attempt").GetInt32(), failed[0].GetProperty("httpStatus").GetInt32()));
        Assert.Equal(24, failed.Count(e => e.GetProperty("state").GetString() == "retrying"));
        _server.Clock.Advance(TimeSpan.FromHours(3));
        await _server.RunDispatcherAsync();
        Assert.Equal(25, _receiver.Received.Count);

        var deliveryId = failed[0].GetProperty("id").GetString();
        using var redeliver = await _server.SendAsync(HttpMethod.Post, $"v1/admin/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver", null, ServerFixture.AdminKey);
        var scheduled = (await ServerFixture.ReadJsonAsync(redeliver)).RootElement;
        await _server.RunDispatcherAsync();

        Assert.Equal(HttpStatusCode.Accepted, redeliver.StatusCode);
        Assert.Equal(("pending", 26), (scheduled.GetProperty("state").GetString(), scheduled.GetProperty("attempt").GetInt32()));
        Assert.Equal(26, _receiver.Received.Count);
        Assert.Single(_receiver.Received.Select(r => r.EventId).Distinct());
        var log = await _server.DeliveriesAsync(webhookId);
        Assert.Equal(26, log.Length);
        Assert.Equal(("delivered", 26, 200), (log[0].GetProperty("state").GetString(), log[0].GetProperty("attempt").GetInt32(), log[0].GetProperty("httpStatus").GetInt32()));
    }

    [Fact]
    public async Task A_grant_committed_by_a_server_that_stopped_before_dispatching_is_delivered_by_the_next_server()
    {
        var webhookId = await _server.CreateWebhookAsync(_receiver.Url(), ["seat.granted"]);
        var license = await _server.CreateLicenseAsync(Floating, seats: 1);
        await _server.CallAsync("v1/license/request", new { license.UserKey, machineId = "m1" });
        var events = await _server.StoredEventsAsync(license.LicenseId);
        await _server.DisposeAsync();

        _server = await WebhookServer.StartAsync(tablePrefix: _server.TablePrefix, clock: _server.Clock);
        var run = await _server.RunDispatcherAsync();

        var delivery = Assert.Single(_receiver.Received);
        var body = JsonDocument.Parse(delivery.Body).RootElement;
        Assert.Equal(("seat.granted", license.LicenseId), (body.GetProperty("type").GetString(), body.GetProperty("licenseId").GetString()));
        Assert.Equal(2, events.Count);
        Assert.Equal((1, 1, 1), (run.Hints, run.Fanned, run.Delivered));
        Assert.True(WebhookServer.SignatureVerifies(await _server.JwksAsync(), delivery));
        var entry = Assert.Single(await _server.DeliveriesAsync(webhookId));
        Assert.Equal((delivery.EventId, "delivered"), (entry.GetProperty("eventId").GetString(), entry.GetProperty("state").GetString()));
    }

    [Fact]
    public async Task A_webhook_for_one_product_hears_nothing_of_another_products_licenses()
    {
        await _server.CreateWebhookAsync(_receiver.Url("editor"), ["seat.*"], productId: "editor");
        var other = await _server.CreateLicenseAsync(Floating, seats: 1, extra: new { productId = "viewer" });
        var mine = await _server.CreateLicenseAsync(Floating, seats: 1, extra: new { productId = "editor" });
        await _server.CallAsync("v1/license/request", new { other.UserKey, machineId = "m1" });
        await _server.CallAsync("v1/license/request", new { mine.UserKey, machineId = "m1" });

        await _server.RunDispatcherAsync();

        var delivery = Assert.Single(_receiver.Received);
        Assert.Equal(mine.LicenseId, JsonDocument.Parse(delivery.Body).RootElement.GetProperty("licenseId").GetString());
    }

    /// <summary>One event of every type, and a ping.</summary>
    private async Task MakeEveryKindOfEventAsync(string webhookId)
    {
        var activation = await _server.CreateLicenseAsync(Activation, seats: 2);
        await _server.CallAsync("v1/license/activate", new { activation.UserKey, machineId = "pc-1" });
        await _server.CallAsync("v1/license/deactivate", new { activation.UserKey, machineId = "pc-1" });
        var activated = await _server.CallAsync("v1/license/activate", new { activation.UserKey, machineId = "pc-2" });
        await _server.AdminPostAsync($"v1/admin/licenses/{activation.LicenseId}/tokens/revoke",
            new { licenseToken = activated.RootElement.GetProperty("licenseToken").GetString() });
        await _server.SendForJsonAsync(HttpMethod.Patch, $"v1/admin/licenses/{activation.LicenseId}", new { customerName = "Ada" }, ServerFixture.AdminKey);
        using (await _server.SendAsync(HttpMethod.Delete, $"v1/admin/licenses/{activation.LicenseId}", null, ServerFixture.AdminKey))
        {
        }

        var floating = await _server.CreateLicenseAsync(Floating, seats: 2, heartbeatSeconds: 5);
        var lease = await _server.CallAsync("v1/license/request", new { floating.UserKey, machineId = "m1" });
        await _server.CallAsync("v1/license/release", new { licenseToken = lease.RootElement.GetProperty("licenseToken").GetString(), machineId = "m1" });
        await _server.CallAsync("v1/license/request", new { floating.UserKey, machineId = "m2" });
        _server.Clock.Advance(TimeSpan.FromSeconds(11));
        await _server.RunExpiryTimerAsync();

        var key = await _server.AdminPostAsync("v1/admin/api-keys", new { name = "temporary", scope = "client" });
        using (await _server.SendAsync(HttpMethod.Delete, $"v1/admin/api-keys/{key.RootElement.GetProperty("id").GetString()}", null, ServerFixture.AdminKey))
        {
        }

        await _server.AdminPostAsync($"v1/admin/webhooks/{webhookId}/ping", new { });
    }
}
