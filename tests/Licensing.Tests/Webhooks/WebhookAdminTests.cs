using System.Net;
using System.Text.Json;
using Licensing.Tests.Support;

namespace Licensing.Tests.Webhooks;

/// <summary>The admin routes of webhooks, their rules, and the addresses deliveries refuse without the two settings.</summary>
public sealed class WebhookAdminTests : IAsyncLifetime
{
    private static readonly string[] SeatsAndCreations = ["seat.*", "license.created"];
    private static readonly string[] GrantedAndTeleported = ["seat.granted", "seat.teleported"];
    private static readonly string[] Everything = ["*"];

    private ServerFixture _server = null!;

    public async Task InitializeAsync() => _server = await WebhookServer.StartAsync(allowLoopback: false);

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task A_webhook_is_created_read_listed_changed_and_deleted()
    {
        using var create = await _server.SendAsync(HttpMethod.Post, "v1/admin/webhooks",
            new { url = "https://hooks.example.com/licensing", events = SeatsAndCreations, productId = "editor" }, ServerFixture.AdminKey);
        var created = (await ServerFixture.ReadJsonAsync(create)).RootElement;
        var id = created.GetProperty("id").GetString()!;
        var read = (await _server.SendForJsonAsync(HttpMethod.Get, $"v1/admin/webhooks/{id}", null, ServerFixture.AdminKey)).RootElement;
        var patched = (await _server.SendForJsonAsync(HttpMethod.Patch, $"v1/admin/webhooks/{id}", new { enabled = false, productId = (string?)null }, ServerFixture.AdminKey)).RootElement;
        var listed = (await _server.SendForJsonAsync(HttpMethod.Get, "v1/admin/webhooks", null, ServerFixture.AdminKey)).RootElement;
        using var delete = await _server.SendAsync(HttpMethod.Delete, $"v1/admin/webhooks/{id}", null, ServerFixture.AdminKey);
        using var gone = await _server.SendAsync(HttpMethod.Get, $"v1/admin/webhooks/{id}", null, ServerFixture.AdminKey);

        Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        Assert.Equal(
            $$$"""{"id":"{{{id}}}","url":"https://hooks.example.com/licensing","events":["seat.*","license.created"],"productId":"editor","enabled":true,"createdAt":{"seconds":{{{TestClock.StartsAt.ToUnixTimeSeconds()}}},"nanos":0}}""",
            created.GetRawText());
        Assert.Equal(created.GetRawText(), read.GetRawText());
        Assert.Equal((false, JsonValueKind.Null, "https://hooks.example.com/licensing"),
            (patched.GetProperty("enabled").GetBoolean(), patched.GetProperty("productId").ValueKind, patched.GetProperty("url").GetString()));
        var item = Assert.Single(listed.GetProperty("items").EnumerateArray());
        Assert.Equal(patched.GetRawText(), item.GetRawText());
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task A_create_names_every_field_it_refuses()
    {
        using var response = await _server.SendAsync(HttpMethod.Post, "v1/admin/webhooks",
            new { url = "http://hooks.example.com/licensing", events = GrantedAndTeleported, productId = "Not A Product", colour = "red" }, ServerFixture.AdminKey);
        var errors = (await ServerFixture.ReadJsonAsync(response)).RootElement.GetProperty("errors");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["colour", "events", "productId", "url"], errors.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("must be https.", errors.GetProperty("url")[0].GetString());
        Assert.StartsWith("'seat.teleported' is not an event type", errors.GetProperty("events")[0].GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/hook")]
    [InlineData("http://localhost/hook")]
    [InlineData("ftp://hooks.example.com/hook")]
    [InlineData("https://user:secret@hooks.example.com/hook")]
    [InlineData("hooks.example.com/hook")]
    public async Task A_url_that_is_not_https_is_refused_without_the_insecure_setting(string url)
    {
        using var response = await _server.SendAsync(HttpMethod.Post, "v1/admin/webhooks", new { url, events = Everything }, ServerFixture.AdminKey);
        var errors = (await ServerFixture.ReadJsonAsync(response)).RootElement.GetProperty("errors");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("url", Assert.Single(errors.EnumerateObject()).Name);
    }

    [Theory]
    [InlineData("https://169.254.169.254/latest/meta-data", "169.254.169.254 resolves to 169.254.169.254 (link-local or metadata), which deliveries may not reach.")]
    [InlineData("https://10.0.0.1/hook", "10.0.0.1 resolves to 10.0.0.1 (private), which deliveries may not reach.")]
    [InlineData("https://[::1]/hook", "::1 resolves to ::1 (loopback), which deliveries may not reach.")]
    public async Task A_delivery_to_a_private_loopback_or_metadata_address_is_refused_without_the_private_setting(string url, string error)
    {
        var id = await _server.CreateWebhookAsync(url, ["*"]);
        await _server.AdminPostAsync($"v1/admin/webhooks/{id}/ping", new { });

        await _server.RunDispatcherAsync();

        var entry = Assert.Single(await _server.DeliveriesAsync(id));
        Assert.Equal(("webhook.ping", "retrying", JsonValueKind.Null, error),
            (entry.GetProperty("type").GetString(), entry.GetProperty("state").GetString(), entry.GetProperty("httpStatus").ValueKind, entry.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task A_host_name_that_resolves_to_loopback_is_refused_after_dns()
    {
        var id = await _server.CreateWebhookAsync("https://localhost:9/hook", ["*"]);
        await _server.AdminPostAsync($"v1/admin/webhooks/{id}/ping", new { });

        await _server.RunDispatcherAsync();

        var entry = Assert.Single(await _server.DeliveriesAsync(id));
        Assert.Matches(@"^localhost resolves to (127\.0\.0\.1|::1) \(loopback\), which deliveries may not reach\.$", entry.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Deliveries_redeliver_and_ping_of_an_unknown_webhook_answer_404()
    {
        using var deliveries = await _server.SendAsync(HttpMethod.Get, "v1/admin/webhooks/wh_aaaaaaaaaaaaaaaaaaaa/deliveries", null, ServerFixture.AdminKey);
        using var ping = await _server.SendAsync(HttpMethod.Post, "v1/admin/webhooks/wh_aaaaaaaaaaaaaaaaaaaa/ping", null, ServerFixture.AdminKey);
        var id = await _server.CreateWebhookAsync("https://hooks.example.com/h", ["*"]);
        using var redeliver = await _server.SendAsync(HttpMethod.Post, $"v1/admin/webhooks/{id}/deliveries/0000000000000000000aaaaaaaa/redeliver", null, ServerFixture.AdminKey);

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound), (deliveries.StatusCode, ping.StatusCode, redeliver.StatusCode));
    }

    [Fact]
    public async Task Webhook_routes_need_an_admin_key()
    {
        using var response = await _server.SendAsync(HttpMethod.Get, "v1/admin/webhooks", null, _server.ClientKey);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
