namespace Licensing.Auth;

/// <summary>
/// Who is calling, and may they: the address's throttle, then the credentials and the key's throttle, then the scope.
/// Client calls take an API key only; admin calls take an admin-scope API key or, with an issuer set, a bearer token
/// from it (<see cref="AdminTokens"/>), but never both at once. Failed credentials count against the address.
/// </summary>
public sealed class RequestAuthorizer(ApiKeyAuthenticator apiKeys, AdminTokens adminTokens, RequestThrottle throttle)
{
    public const string ApiKeyHeader = "x-api-key";

    /// <summary>
    /// The caller's address: the connection's, never a header app code reads. Under the Functions host the worker's
    /// forwarded-headers handling has already set it from the hop the host saw (and from the proxies it is told to
    /// trust, <see cref="Settings.LicensingOptions.TrustedProxyCount"/>); the local host drops a client's forwarding
    /// headers as the real host does.
    /// </summary>
    public static string ClientAddress(HttpRequest request) =>
        request.HttpContext.Connection.RemoteIpAddress?.ToString() ?? IPAddress.None.ToString();

    /// <summary>A call that needs no credentials may go on from this address; else the 429 to answer.</summary>
    public IActionResult? ThrottleAnonymous(HttpRequest request) =>
        throttle.AllowAddress(ClientAddress(request), out var wait) ? null : Problems.TooManyRequests(wait);

    /// <summary>
    /// The caller, or the problem to answer instead (401, 403, 429, 503). From an address over its wrong-key budget only
    /// credentials this instance can accept without a storage read are served (the bootstrap admin key, an API key it
    /// holds cached, a valid bearer token); any other key gets 429 at once.
    /// </summary>
    public async Task<(Caller? Caller, IActionResult? Problem)> AuthorizeAsync(HttpRequest request, string scope, CancellationToken ct)
    {
        var address = ClientAddress(request);
        var (refused, tooMany) = AdmitAddress(address, out var wait);
        if (tooMany is not null)
        {
            return (null, tooMany);
        }

        var apiKey = request.Headers[ApiKeyHeader].ToString();
        var bearerToo = scope == ApiScopes.Admin && adminTokens.IsEnabled;
        var bearer = bearerToo ? AdminTokens.BearerToken(request.Headers.Authorization.ToString()) : null;
        if (bearer is not null)
        {
            if (apiKey.Length > 0)
            {
                return (null, Refused(address, request, Problems.TwoCredentials()));
            }

            var byToken = await AuthorizeBearerAsync(bearer, address, request, ct).ConfigureAwait(false);
            return refused && byToken.Caller is not null ? AfterRefusal(address, byToken) : byToken;
        }

        var check = refused ? apiKeys.AuthenticateKnown(apiKey, address) : await apiKeys.AuthenticateAsync(apiKey, address, ct).ConfigureAwait(false);
        if (check is null)
        {
            return (null, Problems.TooManyRequests(wait));
        }

        if (check.Caller is not { } caller)
        {
            return (null, Refused(address, request, check.Expired ? Problems.ApiKeyExpired() : Problems.Unauthenticated(bearerToo)));
        }

        if (!throttle.AllowKey(caller.KeyId, out wait))
        {
            return (null, Problems.TooManyRequests(wait));
        }

        (Caller? Caller, IActionResult? Problem) authorized = scope == ApiScopes.Admin && !caller.IsAdmin ? (null, Problems.WrongScope()) : (caller, null);
        return refused ? AfterRefusal(address, authorized) : authorized;
    }

    /// <summary>
    /// A portal session's caller (<see cref="PortalSessions"/>), or the problem to answer instead (401, 429). Only a
    /// session is a session: an API key, a seat token, a license document or an offline response in its place is a 401,
    /// counted against the address as a wrong key is; a genuine session past its hour is a 401 <c>session_expired</c>,
    /// not counted. A session needs no storage read, so it is served from a refused address too (held to the address's
    /// calls per second), as a key the instance knows is.
    /// </summary>
    public (PortalSessionClaims? Session, IActionResult? Problem) AuthorizeSession(HttpRequest request, PortalSessions sessions)
    {
        var address = ClientAddress(request);
        var (refused, tooMany) = AdmitAddress(address, out var wait);
        if (tooMany is not null)
        {
            return (null, tooMany);
        }

        var session = request.Headers.ContainsKey(ApiKeyHeader) ? null : sessions.Read(AdminTokens.BearerToken(request.Headers.Authorization.ToString()));
        if (session is null)
        {
            return (null, WrongCredential(request, Problems.NoSession()));
        }

        if (!sessions.IsCurrent(session))
        {
            return (null, Problems.ExpiredSession());
        }

        if (refused && !throttle.AllowAddressRate(address, out wait))
        {
            return (null, Problems.TooManyRequests(wait));
        }

        return throttle.AllowKey(session.LicenseId, out wait) ? (session, null) : (null, Problems.TooManyRequests(wait));
    }

    /// <summary>
    /// Before a credential is checked: a 429 when the address is over its calls per second; <c>Refused</c> when it is
    /// over its wrong-key budget, so only credentials known without a storage read may go on (and then are held to the
    /// address's calls per second, <see cref="AfterRefusal(string)"/>).
    /// </summary>
    public (bool Refused, IActionResult? Problem) AdmitAddress(string address, out TimeSpan wait)
    {
        var refused = throttle.IsRefused(address, out wait);
        return !refused && !throttle.AllowAddressRate(address, out wait) ? (refused, Problems.TooManyRequests(wait)) : (refused, null);
    }

    /// <summary>A known caller from a refused address is still held to the address's calls per second: null when it may go on.</summary>
    public IActionResult? AfterRefusal(string address) =>
        throttle.AllowAddressRate(address, out var wait) ? null : Problems.TooManyRequests(wait);

    /// <summary>Counts failed credentials against the caller's address, exactly alike for keys, tokens and license keys: 429 once past its budget.</summary>
    public IActionResult WrongCredential(HttpRequest request, IActionResult problem) => Refused(ClientAddress(request), request, problem);

    private (Caller? Caller, IActionResult? Problem) AfterRefusal(string address, (Caller? Caller, IActionResult? Problem) authorized) =>
        AfterRefusal(address) is { } tooMany ? (null, tooMany) : authorized;

    /// <summary>An admin call with a bearer token from the configured issuer.</summary>
    private async Task<(Caller? Caller, IActionResult? Problem)> AuthorizeBearerAsync(string token, string address, HttpRequest request, CancellationToken ct)
    {
        var outcome = await adminTokens.AuthenticateAsync(token, address, ct).ConfigureAwait(false);
        switch (outcome.Verdict)
        {
            case AdminTokenVerdict.IssuerUnavailable:
                return (null, Problems.IssuerUnavailableNow());
            case AdminTokenVerdict.Invalid:
                return (null, Refused(address, request, Problems.InvalidBearerToken()));
        }

        if (!throttle.AllowKey(outcome.Caller!.KeyId, out var wait))
        {
            return (null, Problems.TooManyRequests(wait));
        }

        return outcome.Verdict == AdminTokenVerdict.Admin ? (outcome.Caller, null) : (null, Problems.MissingRole(adminTokens.Role));
    }

    /// <summary>Counts failed credentials against the address, exactly alike for keys and tokens: 429 once past its budget.</summary>
    private IActionResult Refused(string address, HttpRequest request, IActionResult problem) =>
        throttle.WrongKey(address, request.Path, out var wait) ? Problems.TooManyRequests(wait) : problem;
}
