namespace Licensing.Client;

/// <summary>
/// The seven client calls of the licensing API, the public keys, and floating leases that look after themselves.
/// Thread-safe; make one per server and key and keep it.
/// </summary>
public sealed class LicensingClient : IDisposable
{
    private readonly LicensingHttp _http;
    private readonly HttpClient? _ownedHttpClient;
    private readonly TimeProvider _clock;
    private readonly JwksCache _jwks;

    /// <summary>A client over an <see cref="HttpClient"/> you manage (or one from IHttpClientFactory).</summary>
    [Microsoft.Extensions.DependencyInjection.ActivatorUtilitiesConstructor]
    public LicensingClient(HttpClient httpClient, LicensingClientOptions options, TimeProvider? clock = null)
    {
        _clock = clock ?? TimeProvider.System;
        _http = new LicensingHttp(httpClient ?? throw new ArgumentNullException(nameof(httpClient)), options ?? throw new ArgumentNullException(nameof(options)), _clock,
            (claim, ct) => _jwks!.VerifyAsync(v => { v.VerifyAnswer(claim); return true; }, LicenseVerifier.DefaultClockSkew, ct));
        _jwks = new JwksCache(this, _clock, options.ServerKeys);
    }

    /// <summary>A client with its own HttpClient.</summary>
    public LicensingClient(Uri baseAddress, string apiKey)
        : this(new HttpClient(), new LicensingClientOptions { BaseAddress = baseAddress, ApiKey = apiKey }, ownsHttpClient: true)
    {
    }

    private LicensingClient(HttpClient httpClient, LicensingClientOptions options, bool ownsHttpClient)
        : this(httpClient, options)
    {
        _ownedHttpClient = ownsHttpClient ? httpClient : null;
    }

    public Uri BaseAddress => _http.BaseAddress;

    /// <summary>
    /// The customer portal of this server (<see cref="BaseAddress"/> + <c>portal</c>), where the license's owner signs in
    /// with the license key to see and free their machines' seats and activate machines offline: open it from a
    /// "Manage my machines" link or button.
    /// </summary>
    public Uri PortalUrl => new(_http.BaseAddress, PortalPath);

    /// <summary>The customer portal's path under the server's base address.</summary>
    public const string PortalPath = "portal";

    public Task<ActivateLicenseResponse> ActivateAsync(ClientIdentity identity, CancellationToken cancellationToken = default) =>
        _http.SendAsync<ActivateLicenseResponse>(HttpMethod.Post, "v1/license/activate", ByUserKey(identity), cancellationToken);

    public Task<SeatCountResponse> DeactivateAsync(ClientIdentity identity, CancellationToken cancellationToken = default) =>
        _http.SendAsync<SeatCountResponse>(HttpMethod.Post, "v1/license/deactivate", ByUserKey(identity), cancellationToken);

    public Task<RequestLicenseResponse> RequestAsync(ClientIdentity identity, CancellationToken cancellationToken = default) =>
        _http.SendAsync<RequestLicenseResponse>(HttpMethod.Post, "v1/license/request", ByUserKey(identity), cancellationToken);

    public Task<SeatCountResponse> ReleaseAsync(string licenseToken, string machineId, string? clientId = null, CancellationToken cancellationToken = default) =>
        _http.SendAsync<SeatCountResponse>(HttpMethod.Post, "v1/license/release", ByToken(licenseToken, machineId, clientId), cancellationToken);

    public Task<HeartbeatResponse> HeartbeatAsync(string licenseToken, string machineId, string? clientId = null, CancellationToken cancellationToken = default) =>
        _http.SendAsync<HeartbeatResponse>(HttpMethod.Post, "v1/license/heartbeat", ByToken(licenseToken, machineId, clientId), cancellationToken);

    /// <summary>
    /// Borrows a live lease for offline work: it holds its seat without heartbeats until the answer's
    /// <c>tokenExpireAt</c> (at most the license's <c>maxBorrowDuration</c>); <see cref="ReleaseAsync"/> returns it early.
    /// </summary>
    public Task<BorrowLicenseResponse> BorrowAsync(string licenseToken, string machineId, TimeSpan borrowFor, string? clientId = null, CancellationToken cancellationToken = default) =>
        _http.SendAsync<BorrowLicenseResponse>(HttpMethod.Post, "v1/license/borrow", new
        {
            licenseToken = licenseToken ?? throw new ArgumentNullException(nameof(licenseToken)),
            machineId = machineId ?? throw new ArgumentNullException(nameof(machineId)),
            clientId,
            borrowFor,
        }, cancellationToken);

    /// <summary>Answers an air-gapped machine's activation request (<c>lsreq1.</c>, from <see cref="OfflineActivation.CreateRequest"/>).</summary>
    public Task<OfflineActivateResponse> ActivateOfflineAsync(string request, CancellationToken cancellationToken = default) =>
        _http.SendAsync<OfflineActivateResponse>(HttpMethod.Post, "v1/license/offline/activate", new { request }, cancellationToken);

    /// <summary>Frees the seat of an air-gapped machine on its deactivation proof (<c>lsdea1.</c>, from <see cref="OfflineActivation.Deactivate"/>).</summary>
    public Task<OfflineDeactivateResponse> DeactivateOfflineAsync(string proof, CancellationToken cancellationToken = default) =>
        _http.SendAsync<OfflineDeactivateResponse>(HttpMethod.Post, "v1/license/offline/deactivate", new { proof }, cancellationToken);

    public Task<ValidateLicenseResponse> ValidateAsync(ClientIdentity identity, CancellationToken cancellationToken = default) =>
        _http.SendAsync<ValidateLicenseResponse>(HttpMethod.Post, "v1/license/validate", ByUserKey(identity), cancellationToken);

    public Task<LicenseInfoResponse> InfoAsync(ClientIdentity identity, CancellationToken cancellationToken = default) =>
        _http.SendAsync<LicenseInfoResponse>(HttpMethod.Post, "v1/license/info", ByUserKey(identity), cancellationToken);

    /// <summary>
    /// Records <paramref name="amount"/> units of <paramref name="meter"/> once per <paramref name="eventId"/>: sending the
    /// same id again (a retry after a lost answer) counts nothing and answers the first answer with <c>Duplicate</c>.
    /// <see cref="UsageRecorder"/> makes and keeps the ids for you.
    /// </summary>
    public Task<UsageAnswer> RecordUsageAsync(ClientIdentity identity, string meter, long amount, string eventId, CancellationToken cancellationToken = default) =>
        _http.SendAsync<UsageAnswer>(HttpMethod.Post, "v1/license/usage", new
        {
            userKey = (identity ?? throw new ArgumentNullException(nameof(identity))).UserKey,
            machineId = identity.MachineId,
            meter = meter ?? throw new ArgumentNullException(nameof(meter)),
            amount,
            eventId = eventId ?? throw new ArgumentNullException(nameof(eventId)),
        }, cancellationToken);

    /// <summary>Records up to 100 uses in one call; the answer has one item per use, in order.</summary>
    public Task<UsageBatchAnswer> RecordUsageBatchAsync(ClientIdentity identity, IReadOnlyList<UsageEvent> events, CancellationToken cancellationToken = default) =>
        _http.SendAsync<UsageBatchAnswer>(HttpMethod.Post, "v1/license/usage", new
        {
            userKey = (identity ?? throw new ArgumentNullException(nameof(identity))).UserKey,
            machineId = identity.MachineId,
            events = events ?? throw new ArgumentNullException(nameof(events)),
        }, cancellationToken);

    /// <summary>The server's public keys (no credentials needed).</summary>
    public Task<JsonWebKeySet> GetKeysAsync(CancellationToken cancellationToken = default) =>
        _http.SendAsync<JsonWebKeySet>(HttpMethod.Get, "v1/license/keys", null, cancellationToken);

    /// <summary>
    /// Requests a floating seat and keeps it: the lease heartbeats in the background at the server's interval,
    /// reports when it is lost, and releases the seat when disposed. Throws <see cref="LicensingException"/> of kind
    /// <see cref="LicensingErrorKind.Denied"/> (with its <see cref="LicensingException.Reason"/>) when no seat is granted.
    /// </summary>
    public async Task<FloatingLease> AcquireLeaseAsync(ClientIdentity identity, LeaseOptions? options = null, CancellationToken cancellationToken = default)
    {
        var granted = await RequestAsync(identity, cancellationToken).ConfigureAwait(false);
        if (!granted.Granted || granted.LicenseToken is null || granted.TokenExpireAt is null || granted.HeartbeatInterval is null)
        {
            throw LicensingException.Denied(granted.Reason ?? LicenseReason.Unknown, granted.ReasonCode, granted.Message ?? "No seat was granted.");
        }

        return FloatingLease.Start(this, identity, granted, options ?? new LeaseOptions(), _clock);
    }

    /// <summary>
    /// A verifier over the server's current public keys, fetched once and fetched again when a document names a
    /// key it does not know (a rotation).
    /// </summary>
    public Task<LicenseVerifier> GetVerifierAsync(TimeSpan? clockSkew = null, CancellationToken cancellationToken = default) =>
        _jwks.GetVerifierAsync(clockSkew ?? LicenseVerifier.DefaultClockSkew, cancellationToken);

    /// <summary>Verifies a license document with the server's keys, refreshing them once for an unknown key id.</summary>
    public Task<VerifiedLicense> VerifyLicenseAsync(byte[] licenseKey, TimeSpan? clockSkew = null, CancellationToken cancellationToken = default) =>
        _jwks.VerifyAsync(v => v.VerifyDocument(licenseKey), clockSkew ?? LicenseVerifier.DefaultClockSkew, cancellationToken);

    /// <summary>The server's keys, cached, for verifiers that ride on this client (<see cref="WebhookVerifier"/>).</summary>
    internal JwksCache Jwks => _jwks;

    internal TimeProvider Clock => _clock;

    public void Dispose()
    {
        _jwks.Dispose();
        _ownedHttpClient?.Dispose();
    }

    private static object ByUserKey(ClientIdentity identity) => new
    {
        userKey = identity.UserKey,
        machineId = identity.MachineId,
        clientId = identity.ClientId,
        clientName = identity.ClientName,
    };

    private static object ByToken(string licenseToken, string machineId, string? clientId) => new
    {
        licenseToken = licenseToken ?? throw new ArgumentNullException(nameof(licenseToken)),
        machineId = machineId ?? throw new ArgumentNullException(nameof(machineId)),
        clientId,
    };
}
