using Licensing.Auth;
using Licensing.Settings;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Licensing.Tests.Unit;

/// <summary>How many X-Forwarded-For hops the worker's forwarded-headers handling believes, by the TrustedProxyCount setting.</summary>
public sealed class ForwardedAddressesTests
{
    [Fact]
    public void With_no_trusted_proxy_the_worker_keeps_its_own_single_hop_from_the_host()
    {
        var options = Configure(trustedProxies: 0);

        Assert.Equal(1, options.ForwardLimit);
        Assert.Single(options.KnownProxies);
    }

    [Fact]
    public void Each_trusted_proxy_adds_one_hop_believed_by_count_whatever_its_address()
    {
        var options = Configure(trustedProxies: 2);

        Assert.Equal(3, options.ForwardLimit);
        Assert.Equal(ForwardedHeaders.XForwardedFor, options.ForwardedHeaders & ForwardedHeaders.XForwardedFor);
        Assert.Empty(options.KnownProxies);
        Assert.Empty(options.KnownIPNetworks);
    }

    private static ForwardedHeadersOptions Configure(int trustedProxies)
    {
        var options = new ForwardedHeadersOptions();
        new ForwardedAddresses(Options.Create(new LicensingOptions { TrustedProxyCount = trustedProxies })).Configure(options);
        return options;
    }
}
