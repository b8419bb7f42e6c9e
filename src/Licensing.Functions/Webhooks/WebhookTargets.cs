namespace Licensing.Webhooks;

/// <summary>
/// Addresses a delivery may not reach (unless <c>Licensing:AllowPrivateWebhookTargets</c>): loopback, private,
/// link-local (which holds the cloud metadata endpoint 169.254.169.254), shared and reserved ranges, checked on the
/// address a connection is about to use, after DNS.
/// </summary>
public static class WebhookTargets
{
    /// <summary>The kind of range an address falls in, or null when deliveries may reach it.</summary>
    public static string? Refusal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address))
        {
            return "loopback";
        }

        return address.AddressFamily == AddressFamily.InterNetwork ? Ipv4Refusal(address.GetAddressBytes()) : Ipv6Refusal(address);
    }

    private static string? Ipv4Refusal(byte[] b) => (b[0], b[1]) switch
    {
        (0, _) => "reserved",
        (10, _) => "private",
        (100, >= 64 and <= 127) => "shared",
        (169, 254) => "link-local or metadata",
        (172, >= 16 and <= 31) => "private",
        (192, 168) => "private",
        (192, 0) when b[2] == 0 => "reserved",
        (198, 18 or 19) => "reserved",
        (>= 224, _) => "multicast or reserved",
        _ => null,
    };

    private static string? Ipv6Refusal(IPAddress address)
    {
        var b = address.GetAddressBytes();
        if (address.Equals(IPAddress.IPv6None) || address.Equals(IPAddress.IPv6Any))
        {
            return "reserved";
        }

        if (address.IsIPv6LinkLocal || address.IsIPv6SiteLocal)
        {
            return "link-local or metadata";
        }

        if ((b[0] & 0xFE) == 0xFC)
        {
            // fc00::/7, unique local: private, and where some clouds put their metadata endpoint (fd00:ec2::254).
            return "private";
        }

        return address.IsIPv6Multicast ? "multicast or reserved" : null;
    }
}
