namespace Licensing.Client;

/// <summary>A license as the admin API shows it.</summary>
public sealed class LicenseView
{
    public string LicenseId { get; set; } = "";
    public string UserKey { get; set; } = "";
    public string ProductId { get; set; } = "";
    public LicensingMode LicensingMode { get; set; }
    public int MaxClientCount { get; set; }
    public int ActiveClientCount { get; set; }
    public DateTimeOffset? ExpireAt { get; set; }
    public DateTimeOffset? SupportExpireAt { get; set; }
    public TimeSpan? HeartbeatInterval { get; set; }
    public TimeSpan? GracePeriod { get; set; }
    public TimeSpan? MaxBorrowDuration { get; set; }
    public string? CustomerName { get; set; }
    public List<string> Features { get; set; } = [];
    public List<LicenseEntitlement> Entitlements { get; set; } = [];

    /// <summary>The policy the license was created from, if any.</summary>
    public string? PolicyId { get; set; }

    /// <summary>Seats granted beyond <see cref="MaxClientCount"/>, each flagged overage.</summary>
    public int OverageSeats { get; set; }

    /// <summary>How many times in a rolling 30 days an activation may move to another machine; 0: unlimited.</summary>
    public int MaxTransfers { get; set; }

    /// <summary>Whether the license's owner may sign in to the customer portal (<see cref="LicensingClient.PortalUrl"/>).</summary>
    public bool Portal { get; set; } = true;
    public bool Revoked { get; set; }
    public bool Suspended { get; set; }
    public DateTimeOffset? IssuedAt { get; set; }
    public List<LicenseTokenInfo>? LicenseTokens { get; set; }

    /// <summary>The license's meters and their counts (a page of licenses leaves them out).</summary>
    public List<MeterStanding>? Meters { get; set; }
}

public sealed class LicensePage
{
    public List<LicenseView> Items { get; set; } = [];
    public string? ContinuationToken { get; set; }
}

/// <summary>The terms a license can be created with and changed to; only what is set is sent.</summary>
public abstract class LicenseTerms : SeatTerms
{
    public int? MaxClientCount { get; set; }
    public DateTimeOffset? ExpireAt { get; set; }
    public DateTimeOffset? SupportExpireAt { get; set; }
    public string? CustomerName { get; set; }
}

/// <summary>A new license: the mode and the seat limit are required unless a policy gives them, the rest optional.</summary>
public sealed class NewLicense : LicenseTerms
{
    public LicensingMode? LicensingMode { get; set; }

    /// <summary>The policy whose terms the license copies; what is set here wins.</summary>
    public string? PolicyId { get; set; }
    public string? ProductId { get; set; }

    /// <summary>Your own user key; the server generates one when absent.</summary>
    public string? UserKey { get; set; }
}

/// <summary>Changes to a license: only what is set is changed.</summary>
public sealed class LicenseChanges : LicenseTerms
{
    public bool? Suspended { get; set; }
    public bool? Revoked { get; set; }
}

public class ApiKeyView
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string Scope { get; set; } = "";
    public string? ProductId { get; set; }
    public DateTimeOffset? CreatedAt { get; set; }

    /// <summary>When the key stops working (401 <c>api_key_expired</c>); null for a key without an expiry.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }
}

/// <summary>A new API key: its view and <see cref="Key"/>, which is shown only here.</summary>
public sealed class CreatedApiKey : ApiKeyView
{
    public string Key { get; set; } = "";
}

public sealed class ApiKeyList
{
    public List<ApiKeyView> Items { get; set; } = [];
}

/// <summary>
/// One audit event: <see cref="Type"/> (e.g. <c>seat.granted</c>, <c>license.updated</c>), when, who
/// (<see cref="Actor"/>: an API key's id, or <c>server</c>) and from which address.
/// </summary>
public sealed class AuditEvent
{
    public string Id { get; set; } = "";
    public string? LicenseId { get; set; }
    public string? ApiKeyId { get; set; }
    public string Type { get; set; } = "";
    public DateTimeOffset At { get; set; }
    public string Actor { get; set; } = "";
    public string? ClientAddr { get; set; }

    /// <summary>The seat's public token id, for a seat event.</summary>
    public string? Token { get; set; }
    public string? MachineId { get; set; }
    public string? ClientId { get; set; }
    public string? ClientName { get; set; }

    /// <summary>For a license or key change: the new terms, as the admin API names them.</summary>
    public System.Text.Json.JsonElement? Changes { get; set; }
}

/// <summary>A page of audit events, newest first; pass <see cref="ContinuationToken"/> back for older ones.</summary>
public sealed class AuditEventPage
{
    public List<AuditEvent> Items { get; set; } = [];
    public string? ContinuationToken { get; set; }
}

/// <summary>The admin API (an admin-scoped key, or a bearer token from the issuer the server trusts): licenses and API keys.</summary>
public sealed partial class LicensingAdminClient : IDisposable
{
    private readonly LicensingHttp _http;
    private readonly HttpClient? _ownedHttpClient;

    public LicensingAdminClient(HttpClient httpClient, LicensingClientOptions options) =>
        _http = new LicensingHttp(httpClient ?? throw new ArgumentNullException(nameof(httpClient)), options ?? throw new ArgumentNullException(nameof(options)));

    public LicensingAdminClient(Uri baseAddress, string apiKey)
        : this(new LicensingClientOptions { BaseAddress = baseAddress, ApiKey = apiKey }, new HttpClient())
    {
    }

    /// <param name="baseAddress">The server's base address.</param>
    /// <param name="bearerTokenProvider">Returns an access token for the server's admin API; see <see cref="LicensingClientOptions.BearerTokenProvider"/>.</param>
    public LicensingAdminClient(Uri baseAddress, Func<CancellationToken, Task<string>> bearerTokenProvider)
        : this(new LicensingClientOptions
        {
            BaseAddress = baseAddress,
            BearerTokenProvider = bearerTokenProvider ?? throw new ArgumentNullException(nameof(bearerTokenProvider)),
        }, new HttpClient())
    {
    }

    private LicensingAdminClient(LicensingClientOptions options, HttpClient owned)
        : this(owned, options) =>
        _ownedHttpClient = owned;

    public Task<LicenseView> CreateLicenseAsync(NewLicense license, CancellationToken cancellationToken = default) =>
        _http.SendAsync<LicenseView>(HttpMethod.Post, "v1/admin/licenses", license ?? throw new ArgumentNullException(nameof(license)), cancellationToken);

    public Task<LicenseView> GetLicenseAsync(string licenseId, CancellationToken cancellationToken = default) =>
        _http.SendAsync<LicenseView>(HttpMethod.Get, "v1/admin/licenses/" + Uri.EscapeDataString(licenseId), null, cancellationToken);

    public Task<LicensePage> ListLicensesAsync(int? pageSize = null, string? continuationToken = null, CancellationToken cancellationToken = default) =>
        _http.SendAsync<LicensePage>(HttpMethod.Get, Paged("v1/admin/licenses", pageSize, continuationToken), null, cancellationToken);

    /// <summary>A license's audit trail, newest first; a deleted license's trail stays readable.</summary>
    public Task<AuditEventPage> ListLicenseEventsAsync(string licenseId, int? pageSize = null, string? continuationToken = null, CancellationToken cancellationToken = default) =>
        _http.SendAsync<AuditEventPage>(HttpMethod.Get,
            Paged("v1/admin/licenses/" + Uri.EscapeDataString(licenseId ?? throw new ArgumentNullException(nameof(licenseId))) + "/events", pageSize, continuationToken),
            null, cancellationToken);

    /// <summary>API keys created and deleted, newest first.</summary>
    public Task<AuditEventPage> ListApiKeyEventsAsync(int? pageSize = null, string? continuationToken = null, CancellationToken cancellationToken = default) =>
        _http.SendAsync<AuditEventPage>(HttpMethod.Get, Paged("v1/admin/api-keys/events", pageSize, continuationToken), null, cancellationToken);

    public Task<LicenseView> UpdateLicenseAsync(string licenseId, LicenseChanges changes, CancellationToken cancellationToken = default) =>
        _http.SendAsync<LicenseView>(new HttpMethod("PATCH"), "v1/admin/licenses/" + Uri.EscapeDataString(licenseId),
            changes ?? throw new ArgumentNullException(nameof(changes)), cancellationToken);

    public async Task DeleteLicenseAsync(string licenseId, CancellationToken cancellationToken = default) =>
        await _http.SendAsync<NoContent>(HttpMethod.Delete, "v1/admin/licenses/" + Uri.EscapeDataString(licenseId), null, cancellationToken).ConfigureAwait(false);

    /// <summary>Ends one seat at once; <paramref name="token"/> is its public id (as info shows it) or its bearer token.</summary>
    public Task<LicenseView> RevokeTokenAsync(string licenseId, string token, CancellationToken cancellationToken = default) =>
        _http.SendAsync<LicenseView>(HttpMethod.Post, "v1/admin/licenses/" + Uri.EscapeDataString(licenseId) + "/tokens/revoke",
            (token ?? throw new ArgumentNullException(nameof(token))).Contains('.') ? new { licenseToken = token } : (object)new { token },
            cancellationToken);

    /// <summary>Starts a meter's count again from zero (its period unchanged); the answer is the license with its meters.</summary>
    public Task<LicenseView> ResetMeterAsync(string licenseId, string code, CancellationToken cancellationToken = default) =>
        _http.SendAsync<LicenseView>(HttpMethod.Post,
            "v1/admin/licenses/" + Uri.EscapeDataString(licenseId ?? throw new ArgumentNullException(nameof(licenseId)))
                + "/meters/" + Uri.EscapeDataString(code ?? throw new ArgumentNullException(nameof(code))) + "/reset",
            null, cancellationToken);

    public Task<PolicyView> CreatePolicyAsync(NewPolicy policy, CancellationToken cancellationToken = default) =>
        _http.SendAsync<PolicyView>(HttpMethod.Post, "v1/admin/policies", policy ?? throw new ArgumentNullException(nameof(policy)), cancellationToken);

    public Task<PolicyView> GetPolicyAsync(string policyId, CancellationToken cancellationToken = default) =>
        _http.SendAsync<PolicyView>(HttpMethod.Get, "v1/admin/policies/" + Uri.EscapeDataString(policyId), null, cancellationToken);

    /// <summary>A page of policies, of one product when <paramref name="productId"/> is given.</summary>
    public Task<PolicyPage> ListPoliciesAsync(string? productId = null, int? pageSize = null, string? continuationToken = null, CancellationToken cancellationToken = default) =>
        _http.SendAsync<PolicyPage>(HttpMethod.Get, WithQuery(Paged("v1/admin/policies", pageSize, continuationToken), "productId", productId), null, cancellationToken);

    public Task<PolicyView> UpdatePolicyAsync(string policyId, PolicyChanges changes, CancellationToken cancellationToken = default) =>
        _http.SendAsync<PolicyView>(new HttpMethod("PATCH"), "v1/admin/policies/" + Uri.EscapeDataString(policyId),
            changes ?? throw new ArgumentNullException(nameof(changes)), cancellationToken);

    public async Task DeletePolicyAsync(string policyId, CancellationToken cancellationToken = default) =>
        await _http.SendAsync<NoContent>(HttpMethod.Delete, "v1/admin/policies/" + Uri.EscapeDataString(policyId), null, cancellationToken).ConfigureAwait(false);

    public Task<CreatedApiKey> CreateApiKeyAsync(string name, string scope, string? productId = null, CancellationToken cancellationToken = default) =>
        _http.SendAsync<CreatedApiKey>(HttpMethod.Post, "v1/admin/api-keys", new { name, scope, productId }, cancellationToken);

    public Task<ApiKeyList> ListApiKeysAsync(CancellationToken cancellationToken = default) =>
        _http.SendAsync<ApiKeyList>(HttpMethod.Get, "v1/admin/api-keys", null, cancellationToken);

    public async Task DeleteApiKeyAsync(string id, CancellationToken cancellationToken = default) =>
        await _http.SendAsync<NoContent>(HttpMethod.Delete, "v1/admin/api-keys/" + Uri.EscapeDataString(id), null, cancellationToken).ConfigureAwait(false);

    public void Dispose() => _ownedHttpClient?.Dispose();

    private static string Paged(string path, int? pageSize, string? continuationToken)
    {
        var query = new List<string>();
        if (pageSize is { } size)
        {
            query.Add("pageSize=" + size.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (!string.IsNullOrEmpty(continuationToken))
        {
            query.Add("continuationToken=" + Uri.EscapeDataString(continuationToken));
        }

        return path + (query.Count > 0 ? "?" + string.Join("&", query) : "");
    }
}
