using Licensing.Client;

namespace Licensing.Tests.Client;

/// <summary>The SDK names the server's customer portal, so an app can offer "Manage my machines".</summary>
public sealed class PortalUrlTests
{
    [Theory]
    [InlineData("https://licensing.example.com", "https://licensing.example.com/portal")]
    [InlineData("https://licensing.example.com/", "https://licensing.example.com/portal")]
    [InlineData("https://example.com/licensing/", "https://example.com/licensing/portal")]
    [InlineData("https://example.com/licensing", "https://example.com/licensing/portal")]
    public void The_portal_url_is_the_base_address_and_portal(string baseAddress, string portal)
    {
        using var client = new LicensingClient(new HttpClient(), new LicensingClientOptions { BaseAddress = new Uri(baseAddress), ApiKey = "lk_unused" });

        Assert.Equal(portal, client.PortalUrl.ToString());
    }
}
