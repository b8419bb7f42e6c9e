using System.Net;
using Licensing.Tests.Support;

namespace Licensing.Tests.EndToEnd;

/// <summary>
/// Storage requests of the admin routes added with policies, webhooks and the bounded license view, counted exactly
/// (admin key cached, tables created): none of them reads more than the rows it names or one range.
/// </summary>
public sealed class AdminStorageBudgetTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static readonly string[] LicenseCreated = ["license.created"];

    [Fact]
    public async Task Each_policy_route_costs_its_stated_storage_requests()
    {
        var product = "budget-" + Guid.NewGuid().ToString("N")[..8];
        await server.SendForJsonAsync(HttpMethod.Get, "v1/admin/policies?productId=" + product, null, ServerFixture.AdminKey);

        var (created, createCost) = await MeasureAsync(HttpMethod.Post, "v1/admin/policies", new { name = "Pro", productId = product, licensingMode = 2, maxClientCount = 5 });
        var id = created!.RootElement.GetProperty("policyId").GetString();
        var (_, getCost) = await MeasureAsync(HttpMethod.Get, $"v1/admin/policies/{id}", null);
        var (_, listCost) = await MeasureAsync(HttpMethod.Get, "v1/admin/policies?productId=" + product, null);
        var (_, patchCost) = await MeasureAsync(HttpMethod.Patch, $"v1/admin/policies/{id}", new { maxClientCount = 6 });
        var (_, licenseCost) = await MeasureAsync(HttpMethod.Post, "v1/admin/licenses", new { policyId = id });
        var (_, deleteCost) = await MeasureAsync(HttpMethod.Delete, $"v1/admin/policies/{id}", null);

        Assert.Equal(
            "create 1, get 1, list 1, patch 2, license from it 3, delete 2",
            $"create {createCost}, get {getCost}, list {listCost}, patch {patchCost}, license from it {licenseCost}, delete {deleteCost}");
    }

    [Fact]
    public async Task Each_webhook_route_and_the_seats_page_cost_their_stated_storage_requests()
    {
        var (created, createCost) = await MeasureAsync(HttpMethod.Post, "v1/admin/webhooks", new { url = "https://hooks.example.com/budget", events = LicenseCreated });
        var id = created!.RootElement.GetProperty("id").GetString();
        var (_, getCost) = await MeasureAsync(HttpMethod.Get, $"v1/admin/webhooks/{id}", null);
        var (_, listCost) = await MeasureAsync(HttpMethod.Get, "v1/admin/webhooks", null);
        var (_, patchCost) = await MeasureAsync(HttpMethod.Patch, $"v1/admin/webhooks/{id}", new { enabled = false });
        var (_, deliveriesCost) = await MeasureAsync(HttpMethod.Get, $"v1/admin/webhooks/{id}/deliveries", null);
        var (_, deleteCost) = await MeasureAsync(HttpMethod.Delete, $"v1/admin/webhooks/{id}", null);
        var license = await server.CreateLicenseAsync(2, seats: 3);
        var (_, seatsCost) = await MeasureAsync(HttpMethod.Get, $"v1/admin/licenses/{license.LicenseId}/seats?pageSize=50", null);

        Assert.Equal(
            "create 1, get 1, list 1, patch 2, deliveries 2, delete 1, seats page 2",
            $"create {createCost}, get {getCost}, list {listCost}, patch {patchCost}, deliveries {deliveriesCost}, delete {deleteCost}, seats page {seatsCost}");
    }

    [Fact]
    public async Task The_usage_of_a_license_costs_two_storage_requests_or_three_when_its_span_saw_no_seat_change()
    {
        var license = await server.CreateLicenseAsync(2, seats: 3);
        using var granted = await server.CallAsync("v1/license/request", new { license.UserKey, machineId = "budget" });
        server.Clock.Advance(TimeSpan.FromHours(2));

        var (_, changedCost) = await MeasureAsync(HttpMethod.Get, $"v1/admin/licenses/{license.LicenseId}/usage", null);
        var (_, quietCost) = await MeasureAsync(
            HttpMethod.Get, $"v1/admin/licenses/{license.LicenseId}/usage?from={server.Clock.GetUtcNow().AddHours(-1).ToUnixTimeSeconds()}", null);

        Assert.Equal("with a change 2, quiet 3", $"with a change {changedCost}, quiet {quietCost}");
    }

    private async Task<(System.Text.Json.JsonDocument? Body, int Cost)> MeasureAsync(HttpMethod method, string route, object? body)
    {
        server.StorageRequests.Reset();
        using var response = await server.SendAsync(method, route, body, ServerFixture.AdminKey);
        var cost = server.StorageRequests.Count;
        Assert.True(response.IsSuccessStatusCode, $"{method} {route} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (response.StatusCode == HttpStatusCode.NoContent ? null : await ServerFixture.ReadJsonAsync(response), cost);
    }
}
