using System.Net;
using Azure;
using Azure.Identity;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace Licensing.Http;

/// <summary>
/// What every API request goes through, in code both hosts run: credentials and scope, then the JSON body,
/// then the handler; storage faults leave as 503 with Retry-After, and nothing a client sends becomes a 500.
/// Client calls take an API key only; admin calls take an admin-scope API key or, with an issuer set, a bearer
/// token from it (<see cref="AdminTokens"/>), but never both at once.
/// </summary>
public sealed partial class ApiEndpoint(ApiKeys apiKeys, AdminTokens adminTokens, RequestThrottle throttle, ILogger<ApiEndpoint> logger)
{
    public const string ApiKeyHeader = "x-api-key";

    public Task<IActionResult> RunAsync(HttpRequest request, string scope, Func<Caller, CancellationToken, Task<IActionResult>> handler) =>
        GuardAsync(request, async ct =>
        {
            var (caller, problem) = await AuthorizeAsync(request, scope, ct).ConfigureAwait(false);
            return problem ?? await handler(caller!, ct).ConfigureAwait(false);
        });

    public Task<IActionResult> RunWithBodyAsync(HttpRequest request, string scope, Func<Caller, JsonFields, CancellationToken, Task<IActionResult>> handler) =>
        GuardAsync(request, async ct =>
        {
            var (caller, problem) = await AuthorizeAsync(request, scope, ct).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }

            var (fields, bodyProblem) = await RequestBody.ReadAsync(request, ct).ConfigureAwait(false);
            return bodyProblem ?? await handler(caller!, fields!, ct).ConfigureAwait(false);
        });

    /// <summary>One of the seven client calls: a client-scope key and the shared client body.</summary>
    public Task<IActionResult> RunClientCallAsync(
        HttpRequest request,
        Func<JsonFields, Caller, Seats.ClientCall?> read,
        Func<Caller, Seats.ClientCall, CancellationToken, Task<IActionResult>> handler) =>
        RunWithBodyAsync(request, ApiScopes.Client, (caller, body, ct) =>
            read(body, caller) is { } call ? handler(caller, call, ct) : Task.FromResult(body.Problem!));

    /// <summary>For calls that need no credentials (the JWKS, unknown routes).</summary>
    public Task<IActionResult> RunAnonymousAsync(HttpRequest request, Func<CancellationToken, Task<IActionResult>> handler) =>
        GuardAsync(request, ct => throttle.AllowAddress(ClientAddress(request), out var wait)
            ? handler(ct)
            : Task.FromResult(Problems.TooManyRequests(wait)));

    /// <summary>The caller's address: the first X-Forwarded-For entry, else the connection's.</summary>
    public static string ClientAddress(HttpRequest request)
    {
        var forwarded = request.Headers["X-Forwarded-For"].ToString();
        var first = forwarded.Split(',', 2)[0].Trim();
        if (first.Length is > 0 and <= 64)
        {
            return first;
        }

        return request.HttpContext.Connection.RemoteIpAddress?.ToString() ?? IPAddress.None.ToString();
    }

    private async Task<(Caller? Caller, IActionResult? Problem)> AuthorizeAsync(HttpRequest request, string scope, CancellationToken ct)
    {
        var address = ClientAddress(request);
        if (!throttle.AllowAddress(address, out var wait))
        {
            return (null, Problems.TooManyRequests(wait));
        }

        var apiKey = request.Headers[ApiKeyHeader].ToString();
        var bearerToo = scope == ApiScopes.Admin && adminTokens.IsEnabled;
        var bearer = bearerToo ? AdminTokens.BearerToken(request.Headers.Authorization.ToString()) : null;
        if (bearer is not null)
        {
            return apiKey.Length > 0
                ? (null, Refused(address, request, Problems.TwoCredentials()))
                : await AuthorizeBearerAsync(bearer, address, request, ct).ConfigureAwait(false);
        }

        var caller = await apiKeys.AuthenticateAsync(apiKey, address, ct).ConfigureAwait(false);
        if (caller is null)
        {
            return (null, Refused(address, request, Problems.Unauthenticated(bearerToo)));
        }

        if (!throttle.AllowKey(caller.KeyId, out wait))
        {
            return (null, Problems.TooManyRequests(wait));
        }

        return scope == ApiScopes.Admin && !caller.IsAdmin ? (null, Problems.WrongScope()) : (caller, null);
    }

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

    private async Task<IActionResult> GuardAsync(HttpRequest request, Func<CancellationToken, Task<IActionResult>> handler)
    {
        var ct = request.HttpContext.RequestAborted;
        try
        {
            return await handler(ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStorageUnavailable(ex) && !ct.IsCancellationRequested)
        {
            LogStorageUnavailable(logger, request.Path, ex.GetType().Name, ex.Message);
            return Problems.Unavailable();
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            LogUnexpected(logger, ex, request.Path);
            return Problems.Unexpected();
        }
    }

    private static bool IsStorageUnavailable(Exception ex) => ex switch
    {
        RequestFailedException rf => rf.Status is 0 or 408 or 429 or >= 500 || rf.InnerException is HttpRequestException,
        HttpRequestException or TimeoutException or AuthenticationFailedException or CredentialUnavailableException => true,
        // The SDK lets a connection lost while reading storage's answer out as a bare IOException (alone, or among
        // the retries' exceptions); Kestrel's IOException about the client's own request is not storage's.
        BadHttpRequestException => false,
        IOException => true,
        OperationCanceledException => true,
        AggregateException agg => agg.InnerExceptions.All(IsStorageUnavailable),
        _ => false,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage unavailable while serving {Path}: {Kind} {Detail}")]
    private static partial void LogStorageUnavailable(ILogger logger, string path, string kind, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected failure while serving {Path}")]
    private static partial void LogUnexpected(ILogger logger, Exception ex, string path);
}
