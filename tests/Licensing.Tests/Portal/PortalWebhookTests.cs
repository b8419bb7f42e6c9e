using System.Text.Json;
using Licensing.Tests.Support;
using Licensing.Tests.Webhooks;

namespace Licensing.Tests.Portal;

/// <summary>A seat the owner freed in the portal reaches the vendor's webhook as any seat event does, with the actor customer.</summary>
public sealed class PortalWebhookTests : WebhookHarness
{
    [Fact]
    public async Task A_seat_freed_in_the_portal_is_delivered_as_a_deactivation_by_the_customer()
    {
        await Server.CreateWebhookAsync(Receiver.Url(), ["seat.deactivated", "portal.signed_in"]);
        var license = await Server.CreateLicenseAsync(mode: 1, seats: 1, extra: new { productId = "editor" });
        await Server.CallAsync("v1/license/activate", new { license.UserKey, machineId = "old-laptop" });
        var seat = await Server.SeatIdAsync(license, "old-laptop");
        var session = await Server.SignInAsync(license);
        using (await Server.SendWithBearerAsync(HttpMethod.Post, $"v1/portal/license/seats/{seat}/release", session))
        {
        }

        await Server.RunDispatcherAsync();

        var bodies = Receiver.Received.Select(r => JsonDocument.Parse(r.Body).RootElement).OrderBy(b => b.GetProperty("sequence").GetInt64()).ToArray();
        Assert.Equal(2, bodies.Length);
        Assert.Equal(
            [("portal.signed_in", "customer", (string?)null), ("seat.deactivated", "customer", "old-laptop")],
            bodies.Select(b => (b.GetProperty("type").GetString()!, b.GetProperty("actor").GetString()!, MachineOf(b))));
        Assert.All(bodies, b => Assert.Equal((license.LicenseId, "editor"), (b.GetProperty("licenseId").GetString(), b.GetProperty("productId").GetString())));
    }

    private static string? MachineOf(JsonElement body) =>
        body.GetProperty("data").TryGetProperty("machineId", out var machine) && machine.ValueKind == JsonValueKind.String ? machine.GetString() : null;
}
