using System.Net;
using Licensing.Tests.Support;

namespace Licensing.Tests.Portal;

/// <summary>
/// Storage requests of the portal's calls, counted exactly (tables created, the webhook directory read): a sign-in 2 (the
/// license row, then its event's transaction), the license view 1 (one row-key range), the events 2, freeing a seat 4
/// (the license row, then the admin revoke's read, purge hint and transaction), the document 1, an offline activation 5
/// and deactivation 6 (the license row, then the client calls' own costs). A session needs no storage read.
/// </summary>
public sealed class PortalStorageBudgetTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Each_portal_call_costs_its_stated_storage_requests()
    {
        var license = await server.CreateLicenseAsync(1, seats: 3);
        await server.CallAsync("v1/license/activate", new { license.UserKey, machineId = "m1" });
        var seat = await server.SeatIdAsync(license, "m1");
        await server.SignInAsync(license);
        var now = server.Clock.GetUtcNow();

        var (session, signIn) = await MeasureAsync(HttpMethod.Post, "v1/portal/session", null, new { license.UserKey });
        var token = session.GetProperty("sessionToken").GetString();
        var (_, view) = await MeasureAsync(HttpMethod.Get, "v1/portal/license", token, null);
        var (_, events) = await MeasureAsync(HttpMethod.Get, "v1/portal/license/events", token, null);
        var (_, free) = await MeasureAsync(HttpMethod.Post, $"v1/portal/license/seats/{seat}/release", token, null);
        var (_, document) = await MeasureAsync(HttpMethod.Get, "v1/portal/license/document", token, null);
        var (activated, activate) = await MeasureAsync(
            HttpMethod.Post, "v1/portal/license/offline/activate", token, new { request = OfflineWire.Request(license.UserKey, "air-1", OfflineWire.NewRequestId(), now) });
        var proof = OfflineWire.Proof(activated.GetProperty("response").GetString()!, now);
        var (_, deactivate) = await MeasureAsync(HttpMethod.Post, "v1/portal/license/offline/deactivate", token, new { proof });

        Assert.Equal(
            "sign-in 2, view 1, events 2, free 4, document 1, offline activate 5, offline deactivate 6",
            $"sign-in {signIn}, view {view}, events {events}, free {free}, document {document}, offline activate {activate}, offline deactivate {deactivate}");
    }

    private async Task<(System.Text.Json.JsonElement Body, int Cost)> MeasureAsync(HttpMethod method, string route, string? session, object? body)
    {
        server.StorageRequests.Reset();
        using var response = await server.SendWithBearerAsync(method, route, session, body);
        var cost = server.StorageRequests.Count;
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{method} {route} answered {(int)response.StatusCode}: {text}");
        return (route.EndsWith("/document", StringComparison.Ordinal) ? default : System.Text.Json.JsonDocument.Parse(text).RootElement.Clone(), cost);
    }
}
