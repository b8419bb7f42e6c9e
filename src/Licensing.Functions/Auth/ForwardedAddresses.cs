namespace Licensing.Auth;

/// <summary>
/// How far the worker's forwarded-headers handling may believe X-Forwarded-For. The Functions host replaces a client's
/// forwarding headers with the address it saw, and the worker's ASP.NET Core integration applies that one hop
/// (ForwardLimit 1) to <c>Connection.RemoteIpAddress</c>. Behind Azure Front Door or API Management, each trusted proxy
/// adds one more hop to believe; its addresses are not known in advance, so trust goes by count alone.
/// </summary>
public sealed class ForwardedAddresses(IOptions<LicensingOptions> settings) : IConfigureOptions<ForwardedHeadersOptions>
{
    public void Configure(ForwardedHeadersOptions options)
    {
        var proxies = settings.Value.TrustedProxyCount;
        if (proxies <= 0)
        {
            return;
        }

        options.ForwardedHeaders |= ForwardedHeaders.XForwardedFor;
        options.ForwardLimit = 1 + proxies;
        options.KnownIPNetworks.Clear();
        options.KnownProxies.Clear();
    }
}
