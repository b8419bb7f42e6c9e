using System.Text;
using System.Text.Json.Nodes;
using Licensing.Api;
using Licensing.Tests.Portal;
using Licensing.Tests.Support;

namespace Licensing.Tests.OpenApi;

/// <summary>
/// Every answer the tests' HTTP client receives is checked against the OpenAPI document as it arrives
/// (<see cref="OpenApiCheckingHandler"/>); this class drives a tour of every operation, with the error statuses the app
/// produces, so that each operation is held to the document whichever other tests run.
/// </summary>
public sealed class OpenApiResponseTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const string Admin = ServerFixture.AdminKey;
    private static readonly string[] Pro = ["pro"];
    private static readonly string[] SeatEvents = ["seat.*"];

    [Fact]
    public async Task A_tour_of_every_operation_answers_as_the_document_describes()
    {
        var statuses = await TourAsync();

        Assert.Equal(
            [
                "GET v1/openapi.json 200", "GET v1/license/keys 200",
                "POST v1/admin/licenses 201", "POST v1/admin/licenses 201", "POST v1/admin/licenses 409", "POST v1/admin/licenses 400",
                "POST v1/license/activate 200", "POST v1/license/validate 200", "POST v1/license/info 200", "POST v1/license/deactivate 200",
                "POST v1/license/deactivate 404", "POST v1/license/deactivate 409",
                "POST v1/license/request 200", "POST v1/license/request 200", "POST v1/license/heartbeat 200", "POST v1/license/heartbeat 200", "POST v1/license/borrow 200",
                "POST v1/license/release 200", "POST v1/license/release 404", "POST v1/license/activate 200", "POST v1/license/release 409", "POST v1/license/trial 200",
                "POST v1/license/offline/activate 200", "POST v1/license/offline/activate 200", "POST v1/license/offline/activate 400",
                "POST v1/license/offline/deactivate 200", "POST v1/license/offline/deactivate 200", "POST v1/license/offline/deactivate 400",
                "POST v1/license/usage 200", "POST v1/license/usage 200", "POST v1/license/usage 400",
                "POST v1/license/request 200", "GET v1/admin/licenses 200", "GET v1/admin/licenses?pageSize=0 400", "GET {licenseId} 200",
                "GET v1/admin/licenses/nope 404", "PATCH {licenseId} 200", "POST {licenseId}/tokens/revoke 200",
                "POST {licenseId}/tokens/revoke 400", "GET {licenseId}/events 200", "GET {licenseId}/seats 200",
                "GET {licenseId}/usage 200", "GET {licenseId}/usage?from=yesterday 400",
                "POST {licenseId}/meters/exports/reset 404", "DELETE {licenseId} 204",
                "POST v1/admin/api-keys 201", "GET v1/admin/api-keys 200", "GET v1/admin/api-keys/events 200",
                "DELETE v1/admin/api-keys/{id} 204", "DELETE v1/admin/api-keys/nope 404",
                "POST v1/admin/policies 201", "GET v1/admin/policies 200", "GET v1/admin/policies/{policyId} 200",
                "PATCH v1/admin/policies/{policyId} 200", "DELETE v1/admin/policies/{policyId} 204", "GET v1/admin/policies/nope 404",
                "POST v1/admin/webhooks 201", "GET v1/admin/webhooks 200", "GET v1/admin/webhooks/{id} 200", "PATCH v1/admin/webhooks/{id} 200",
                "POST v1/admin/webhooks/{id}/ping 202", "GET v1/admin/webhooks/{id}/deliveries 200",
                "POST v1/admin/webhooks/{id}/deliveries/nope/redeliver 404", "DELETE v1/admin/webhooks/{id} 204", "GET v1/admin/whoami 200",
                "POST v1/portal/session 200", "POST v1/portal/session 401", "POST v1/portal/session 400", "POST v1/portal/session 403",
                "GET v1/portal/license 200", "GET v1/portal/license (no session) 401", "GET v1/portal/license/events 200",
                "GET v1/portal/license/events?pageSize=0 400", "GET v1/portal/license/document 200",
                "POST v1/portal/license/seats/{token}/release 200", "POST v1/portal/license/seats/nope/release 404",
                "POST v1/portal/license/offline/activate 200", "POST v1/portal/license/offline/activate 400",
                "POST v1/portal/license/offline/deactivate 200", "POST v1/portal/license/offline/deactivate 400",
                "POST v1/license/request (no key) 401", "GET v1/admin/licenses (client key) 403", "GET v1/license/activate 405",
                "GET v1/nothing-here 404", "POST v1/license/request (65 KiB) 413", "POST v1/license/request (text/plain) 415",
                "GET console/ 200", "HEAD console/app.js 200", "GET console/nope.js 404",
                "GET portal/ 200", "HEAD portal/portal.js 200", "GET portal/nope.js 404",
            ],
            statuses);
        var operations = OpenApiContract.Served.Operations.Select(o => $"{o.Method} {o.Template}").ToHashSet();
        var reached = server.Responses
            .Select(r => OpenApiContract.Served.TemplateOf(r.Method, r.Path) is { } template ? $"{r.Method} {template}" : null)
            .OfType<string>()
            .ToHashSet();
        Assert.Equal(53, operations.Count);
        Assert.Equal(operations.Order(StringComparer.Ordinal), reached.Order(StringComparer.Ordinal));
        Assert.Empty(server.Responses.SelectMany(OpenApiContract.Served.Check));
    }

    [Fact]
    public async Task Answers_over_the_rate_limit_are_described_too()
    {
        await using var limited = await ServerFixture.StartAsync(s => s["Licensing:RateLimitPerKey"] = "1");
        var request = new { userKey = "no-such-license-0123456789", machineId = "m1" };

        using var first = await limited.PostAsync("v1/license/request", request);
        using var second = await limited.PostAsync("v1/license/request", request);
        using var admin = await limited.SendAsync(HttpMethod.Get, "v1/admin/licenses", null, Admin);

        Assert.Equal([200, 429, 429], new[] { first, second, admin }.Select(r => (int)r.StatusCode));
        Assert.Equal(4, limited.Responses.Count);
        Assert.Empty(limited.Responses.SelectMany(OpenApiContract.Served.Check));
    }

    [Fact]
    public async Task A_document_without_a_property_the_app_answers_or_a_status_it_produces_fails_the_check()
    {
        var before = server.Responses.Count;
        var license = await server.CreateLicenseAsync(mode: 2, seats: 1);
        using var granted = await server.PostAsync("v1/license/request", new { license.UserKey, machineId = "m1" });
        var token = JsonNode.Parse(await granted.Content.ReadAsStringAsync())!["licenseToken"]!.GetValue<string>();
        using var beat = await server.PostAsync("v1/license/heartbeat", new { licenseToken = token, machineId = "m1" });
        using var unknown = await server.PostAsync("v1/license/release", new { licenseToken = "garbage", machineId = "m1" });
        var broken = JsonNode.Parse(OpenApiDocument.Json.Span)!;
        broken["components"]!["schemas"]!["Licensing.HeartbeatResponse"]!["properties"]!.AsObject().Remove("heartbeatInterval");
        broken["paths"]!["/v1/license/release"]!["post"]!["responses"]!.AsObject().Remove("404");
        var check = new OpenApiContract(broken);

        var violations = server.Responses.Skip(before).Where(r => r.Path is "/v1/license/heartbeat" or "/v1/license/release").SelectMany(check.Check).ToArray();

        Assert.Equal(
            [
                "POST /v1/license/heartbeat -> 200: $: property 'heartbeatInterval' is not in the schema",
                "POST /v1/license/release -> 404: status 404 is not described for POST /v1/license/release",
            ],
            violations);
    }

    /// <summary>Every operation once or more, with the error statuses the app produces: each call's label and status.</summary>
    private async Task<List<string>> TourAsync()
    {
        var statuses = new List<string>();
        async Task<JsonNode?> Call(string label, HttpMethod method, string route, object? body, string? key, string contentType = "application/json")
        {
            using var response = await server.SendAsync(method, route, body, key, contentType);
            statuses.Add($"{label} {(int)response.StatusCode}");
            var text = await response.Content.ReadAsStringAsync();
            return text.Length == 0 ? null : JsonNode.Parse(text);
        }

        Task<JsonNode?> Get(string route, string? key = Admin, string? label = null) => Call(label ?? $"GET {route}", HttpMethod.Get, route, null, key);
        Task<JsonNode?> Post(string route, object? body, string? key, string? label = null) => Call(label ?? $"POST {route}", HttpMethod.Post, route, body, key);
        var client = server.ClientKey;

        await Get("v1/openapi.json", key: null);
        await Get("v1/license/keys", key: null);

        var floating = (await Post("v1/admin/licenses", new { licensingMode = 2, maxClientCount = 1, heartbeatInterval = new { seconds = 60, nanos = 0 } }, Admin))!;
        var activation = (await Post("v1/admin/licenses", new { licensingMode = 1, maxClientCount = 2, customerName = "Tour", features = Pro }, Admin))!;
        var floatingKey = floating["userKey"]!.GetValue<string>();
        var activationKey = activation["userKey"]!.GetValue<string>();
        var licenseId = floating["licenseId"]!.GetValue<string>();
        await Post("v1/admin/licenses", new { licensingMode = 2, maxClientCount = 1, userKey = floatingKey }, Admin);
        await Post("v1/admin/licenses", new { licensingMode = 7 }, Admin);

        await Post("v1/license/activate", new { userKey = activationKey, machineId = "pc-1" }, client);
        await Post("v1/license/validate", new { userKey = activationKey, machineId = "pc-1" }, client);
        await Post("v1/license/info", new { userKey = activationKey, machineId = "pc-1" }, client);
        await Post("v1/license/deactivate", new { userKey = activationKey, machineId = "pc-1" }, client);
        await Post("v1/license/deactivate", new { userKey = "no-such-license-0123456789", machineId = "pc-1" }, client);
        await Post("v1/license/deactivate", new { userKey = floatingKey, machineId = "pc-1" }, client);

        var grant = (await Post("v1/license/request", new { userKey = floatingKey, machineId = "m1", clientId = "c1" }, client))!;
        await Post("v1/license/request", new { userKey = floatingKey, machineId = "m2", clientId = "c1" }, client);
        var token = grant["licenseToken"]!.GetValue<string>();
        await Post("v1/license/heartbeat", new { licenseToken = token, machineId = "m1" }, client);
        await Post("v1/license/heartbeat", new { licenseToken = "garbage", machineId = "m1" }, client);
        await Post("v1/license/borrow", new { licenseToken = token, machineId = "m1", borrowFor = new { seconds = 60, nanos = 0 } }, client);
        await Post("v1/license/release", new { licenseToken = token, machineId = "m1" }, client);
        await Post("v1/license/release", new { licenseToken = "garbage", machineId = "m1" }, client);
        var activationGrant = (await Post("v1/license/activate", new { userKey = activationKey, machineId = "pc-2" }, client))!;
        await Post("v1/license/release", new { licenseToken = activationGrant["licenseToken"]!.GetValue<string>(), machineId = "pc-2" }, client);
        await Post("v1/license/trial", new { productId = "no-trial-here", machineId = "m1" }, client);
        var offline = (await Post("v1/license/offline/activate", new { request = OfflineWire.Request(activationKey, "lab-pc", OfflineWire.NewRequestId(), server.Clock.GetUtcNow()) }, client))!;
        await Post("v1/license/offline/activate", new { request = OfflineWire.Request(activationKey, "ship-pc", OfflineWire.NewRequestId(), server.Clock.GetUtcNow()) }, client);
        await Post("v1/license/offline/activate", new { request = "lsreq1.nope" }, client);
        var proof = OfflineWire.Proof(offline["response"]!.GetValue<string>(), server.Clock.GetUtcNow());
        await Post("v1/license/offline/deactivate", new { proof }, client);
        await Post("v1/license/offline/deactivate", new { proof = OfflineWire.Proof(offline["response"]!.GetValue<string>(), server.Clock.GetUtcNow(), secret: "guess") }, client);
        await Post("v1/license/offline/deactivate", new { proof = "nope" }, client);
        await Post("v1/license/usage", new { userKey = activationKey, machineId = "pc-1", meter = "exports", amount = 1, eventId = "tour-1" }, client);
        await Post("v1/license/usage", new { userKey = activationKey, machineId = "pc-1", events = new[] { new { meter = "exports", amount = 1, eventId = "tour-2" } } }, client);
        await Post("v1/license/usage", new { userKey = activationKey, machineId = "pc-1", meter = "exports", amount = 0, eventId = "tour-3" }, client);

        await Post("v1/license/request", new { userKey = floatingKey, machineId = "m3", clientId = "c1" }, client);
        await Get("v1/admin/licenses");
        await Get("v1/admin/licenses?pageSize=0");
        var view = (await Get($"v1/admin/licenses/{licenseId}", label: "GET {licenseId}"))!;
        await Get("v1/admin/licenses/nope");
        await Call("PATCH {licenseId}", HttpMethod.Patch, $"v1/admin/licenses/{licenseId}", new { customerName = "Tour", suspended = false }, Admin);
        var publicId = view["licenseTokens"]!.AsArray().Single(t => t!["machineId"]!.GetValue<string>() == "m3")!["token"]!.GetValue<string>();
        await Post($"v1/admin/licenses/{licenseId}/tokens/revoke", new { token = publicId }, Admin, "POST {licenseId}/tokens/revoke");
        await Post($"v1/admin/licenses/{licenseId}/tokens/revoke", new { }, Admin, "POST {licenseId}/tokens/revoke");
        await Get($"v1/admin/licenses/{licenseId}/events", label: "GET {licenseId}/events");
        await Get($"v1/admin/licenses/{licenseId}/seats", label: "GET {licenseId}/seats");
        await Get($"v1/admin/licenses/{licenseId}/usage", label: "GET {licenseId}/usage");
        await Get($"v1/admin/licenses/{licenseId}/usage?from=yesterday", label: "GET {licenseId}/usage?from=yesterday");
        await Post($"v1/admin/licenses/{licenseId}/meters/exports/reset", null, Admin, "POST {licenseId}/meters/exports/reset");
        await Call("DELETE {licenseId}", HttpMethod.Delete, $"v1/admin/licenses/{licenseId}", null, Admin);

        var key = (await Post("v1/admin/api-keys", new { name = "tour", scope = "client", productId = "tour" }, Admin))!;
        await Get("v1/admin/api-keys");
        await Get("v1/admin/api-keys/events");
        await Call("DELETE v1/admin/api-keys/{id}", HttpMethod.Delete, $"v1/admin/api-keys/{key["id"]!.GetValue<string>()}", null, Admin);
        await Call("DELETE v1/admin/api-keys/nope", HttpMethod.Delete, "v1/admin/api-keys/nope", null, Admin);

        var policy = (await Post("v1/admin/policies", new
        {
            name = "Pro",
            productId = "tour",
            licensingMode = 2,
            maxClientCount = 5,
            duration = new { seconds = 86400, nanos = 0 },
            entitlements = new object[] { new { code = "seats.extra", value = 2 }, new { code = "pro" } },
        }, Admin))!;
        var policyRoute = $"v1/admin/policies/{policy["policyId"]!.GetValue<string>()}";
        await Get("v1/admin/policies");
        await Get(policyRoute, label: "GET v1/admin/policies/{policyId}");
        await Call("PATCH v1/admin/policies/{policyId}", HttpMethod.Patch, policyRoute, new { maxClientCount = 6 }, Admin);
        await Call("DELETE v1/admin/policies/{policyId}", HttpMethod.Delete, policyRoute, null, Admin);
        await Get("v1/admin/policies/nope");

        var webhook = (await Post("v1/admin/webhooks", new { url = "https://hooks.example.com/licensing", events = SeatEvents }, Admin))!;
        var webhookRoute = $"v1/admin/webhooks/{webhook["id"]!.GetValue<string>()}";
        await Get("v1/admin/webhooks");
        await Get(webhookRoute, label: "GET v1/admin/webhooks/{id}");
        await Call("PATCH v1/admin/webhooks/{id}", HttpMethod.Patch, webhookRoute, new { enabled = false }, Admin);
        await Post($"{webhookRoute}/ping", null, Admin, "POST v1/admin/webhooks/{id}/ping");
        await Get($"{webhookRoute}/deliveries", label: "GET v1/admin/webhooks/{id}/deliveries");
        await Post($"{webhookRoute}/deliveries/nope/redeliver", null, Admin, "POST v1/admin/webhooks/{id}/deliveries/nope/redeliver");
        await Call("DELETE v1/admin/webhooks/{id}", HttpMethod.Delete, webhookRoute, null, Admin);
        await Get("v1/admin/whoami");

        // The portal: sign-ins, then each call of a session and the refusals it produces.
        await Post("v1/portal/session", new { userKey = activationKey }, key: null);
        await Post("v1/portal/session", new { userKey = "no-such-license-0123456789" }, key: null);
        await Post("v1/portal/session", new { }, key: null);
        using (var closed = await server.AdminPostAsync("v1/admin/licenses", new { licensingMode = 1, maxClientCount = 1, portal = false }))
        {
            await Post("v1/portal/session", new { userKey = closed.RootElement.GetProperty("userKey").GetString() }, key: null);
        }

        var session = await server.SignInAsync(new License(activation["licenseId"]!.GetValue<string>(), activationKey));
        async Task<JsonNode?> Portal(string label, HttpMethod method, string route, object? body = null, string? bearer = null)
        {
            using var response = await server.SendWithBearerAsync(method, route, bearer ?? session, body);
            statuses.Add($"{label} {(int)response.StatusCode}");
            var text = await response.Content.ReadAsStringAsync();
            return response.Content.Headers.ContentType?.MediaType?.EndsWith("json", StringComparison.Ordinal) == true ? JsonNode.Parse(text) : null;
        }

        var owners = (await Portal("GET v1/portal/license", HttpMethod.Get, "v1/portal/license"))!;
        await Portal("GET v1/portal/license (no session)", HttpMethod.Get, "v1/portal/license", bearer: "nope");
        await Portal("GET v1/portal/license/events", HttpMethod.Get, "v1/portal/license/events");
        await Portal("GET v1/portal/license/events?pageSize=0", HttpMethod.Get, "v1/portal/license/events?pageSize=0");
        await Portal("GET v1/portal/license/document", HttpMethod.Get, "v1/portal/license/document");
        var seat = owners["license"]!["licenseTokens"]!.AsArray().First(t => t!["machineId"]!.GetValue<string>() == "pc-2")!["token"]!.GetValue<string>();
        await Portal("POST v1/portal/license/seats/{token}/release", HttpMethod.Post, $"v1/portal/license/seats/{seat}/release");
        await Portal("POST v1/portal/license/seats/nope/release", HttpMethod.Post, "v1/portal/license/seats/nope/release");
        var portalOffline = (await Portal("POST v1/portal/license/offline/activate", HttpMethod.Post, "v1/portal/license/offline/activate",
            new { request = OfflineWire.Request(activationKey, "yard-pc", OfflineWire.NewRequestId(), server.Clock.GetUtcNow()) }))!;
        await Portal("POST v1/portal/license/offline/activate", HttpMethod.Post, "v1/portal/license/offline/activate", new { request = "lsreq1.nope" });
        await Portal("POST v1/portal/license/offline/deactivate", HttpMethod.Post, "v1/portal/license/offline/deactivate",
            new { proof = OfflineWire.Proof(portalOffline["response"]!.GetValue<string>(), server.Clock.GetUtcNow()) });
        await Portal("POST v1/portal/license/offline/deactivate", HttpMethod.Post, "v1/portal/license/offline/deactivate", new { proof = "nope" });

        await Post("v1/license/request", new { userKey = floatingKey, machineId = "m1" }, key: null, label: "POST v1/license/request (no key)");
        await Get("v1/admin/licenses", client, "GET v1/admin/licenses (client key)");
        await Get("v1/license/activate", client);
        await Get("v1/nothing-here", client);
        await Post("v1/license/request", "{\"userKey\": \"" + new string('k', 65 * 1024) + "\"}", client, "POST v1/license/request (65 KiB)");
        await Call("POST v1/license/request (text/plain)", HttpMethod.Post, "v1/license/request", new { userKey = floatingKey, machineId = "m1" }, client, "text/plain");
        foreach (var (method, route) in new[] { (HttpMethod.Get, "console/"), (HttpMethod.Head, "console/app.js"), (HttpMethod.Get, "console/nope.js"),
            (HttpMethod.Get, "portal/"), (HttpMethod.Head, "portal/portal.js"), (HttpMethod.Get, "portal/nope.js") })
        {
            using var file = await server.SendAsync(method, route, null, apiKey: null);
            statuses.Add($"{method} {route} {(int)file.StatusCode}");
        }

        return statuses;
    }
}
