namespace Licensing.Client;

/// <summary>One UTC hour of a license's seat usage.</summary>
public sealed class UsageHour
{
    public DateTimeOffset Hour { get; set; }

    /// <summary>The most seats live at once in the hour.</summary>
    public int PeakSeats { get; set; }

    /// <summary>Activations and leases granted in the hour.</summary>
    public int Grants { get; set; }

    /// <summary>Requests refused for want of a seat (best effort: counted per server instance, written now and then).</summary>
    public long Denials { get; set; }

    /// <summary>The units each meter recorded in the hour, in code order (a meter without any is left out).</summary>
    public List<MeterUnits> Meters { get; set; } = [];
}

/// <summary>The units one meter recorded in one hour.</summary>
public sealed class MeterUnits
{
    public string Code { get; set; } = "";
    public long Units { get; set; }
}

public sealed class LicenseUsage
{
    public List<UsageHour> Items { get; set; } = [];
}

public sealed partial class LicensingAdminClient
{
    /// <summary>
    /// A page of licenses found by <paramref name="search"/> (a license id, an exact user key, or the start of a customer
    /// name, case ignored), of one product when <paramref name="productId"/> is given.
    /// </summary>
    public Task<LicensePage> SearchLicensesAsync(
        string? search, string? productId = null, int? pageSize = null, string? continuationToken = null, CancellationToken cancellationToken = default) =>
        _http.SendAsync<LicensePage>(
            HttpMethod.Get,
            WithQuery(WithQuery(Paged("v1/admin/licenses", pageSize, continuationToken), "search", search), "productId", productId),
            null,
            cancellationToken);

    /// <summary>A license's seat usage and its meters' units per UTC hour, from the hour of <paramref name="from"/> through that of <paramref name="to"/> (the server's default: the last 30 days).</summary>
    public Task<LicenseUsage> GetLicenseUsageAsync(string licenseId, DateTimeOffset? from = null, DateTimeOffset? to = null, CancellationToken cancellationToken = default)
    {
        var path = "v1/admin/licenses/" + Uri.EscapeDataString(licenseId ?? throw new ArgumentNullException(nameof(licenseId))) + "/usage";
        path = WithQuery(path, "from", from?.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        path = WithQuery(path, "to", to?.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        return _http.SendAsync<LicenseUsage>(HttpMethod.Get, path, null, cancellationToken);
    }

    /// <summary>The path with one more query parameter, or as it is when the value is null or empty.</summary>
    private static string WithQuery(string path, string name, string? value) =>
        string.IsNullOrEmpty(value) ? path : path + (path.Contains('?') ? "&" : "?") + name + "=" + Uri.EscapeDataString(value);
}
