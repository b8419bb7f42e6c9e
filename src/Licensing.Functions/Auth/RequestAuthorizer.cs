using System.Net;
using Licensing.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

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
        var refused = throttle.IsRefused(address, out var wait);
        if (!refused && !throttle.AllowAddressRate(address, out wait))
        {
            return (null, Problems.TooManyRequests(wait));
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

    /// <summary>A known caller from a refused address is still held to the address's calls per second.</summary>
    private (Caller? Caller, IActionResult? Problem) AfterRefusal(string address, (Caller? Caller, IActionResult? Problem) authorized) =>
        throttle.AllowAddressRate(address, out var wait) ? authorized : (null, Problems.TooManyRequests(wait));

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
