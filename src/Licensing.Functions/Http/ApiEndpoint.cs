namespace Licensing.Http;

/// <summary>
/// What every API request goes through, in code both hosts run: credentials and scope (<see cref="RequestAuthorizer"/>),
/// then the JSON body, then the handler; storage faults leave as 503 with Retry-After, and nothing a client sends
/// becomes a 500. A license call's answer, whatever it is, is signed (<see cref="AnswerSigning"/>). Every answer is counted and traced under the endpoint's name (<see cref="LicensingMetrics"/>).
/// </summary>
public sealed partial class ApiEndpoint(RequestAuthorizer authorizer, AnswerSigning signing, LicensingMetrics metrics, TimeProvider clock, ILogger<ApiEndpoint> logger)
{
    public Task<IActionResult> RunAsync(string endpoint, HttpRequest request, string scope, Func<Caller, CancellationToken, Task<IActionResult>> handler) =>
        GuardAsync(endpoint, request, async ct =>
        {
            var (caller, problem) = await authorizer.AuthorizeAsync(request, scope, ct).ConfigureAwait(false);
            return problem ?? await handler(caller!, ct).ConfigureAwait(false);
        });

    public Task<IActionResult> RunWithBodyAsync(string endpoint, HttpRequest request, string scope, Func<Caller, JsonFields, CancellationToken, Task<IActionResult>> handler) =>
        GuardAsync(endpoint, request, async ct =>
        {
            var (caller, problem) = await authorizer.AuthorizeAsync(request, scope, ct).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }

            var (fields, bodyProblem) = await RequestBody.ReadAsync(request, ct).ConfigureAwait(false);
            return bodyProblem ?? await handler(caller!, fields!, ct).ConfigureAwait(false);
        });

    /// <summary>For calls that check their own credentials (the portal's sign-in and its sessions): the guard alone.</summary>
    public Task<IActionResult> RunGuardedAsync(string endpoint, HttpRequest request, Func<CancellationToken, Task<IActionResult>> handler) =>
        GuardAsync(endpoint, request, handler);

    /// <summary>For calls that need no credentials (the JWKS, unknown routes).</summary>
    public Task<IActionResult> RunAnonymousAsync(string endpoint, HttpRequest request, Func<CancellationToken, Task<IActionResult>> handler) =>
        GuardAsync(endpoint, request, ct => authorizer.ThrottleAnonymous(request) is { } problem ? Task.FromResult(problem) : handler(ct));

    private async Task<IActionResult> GuardAsync(string endpoint, HttpRequest request, Func<CancellationToken, Task<IActionResult>> handler)
    {
        using var span = LicensingTraces.StartCall(endpoint);
        var started = clock.GetTimestamp();
        var signed = signing.Covers(request);
        var (nonce, nonceProblem) = signed ? AnswerSigning.ReadNonce(request) : (null, null);
        var answer = nonceProblem ?? await AnswerAsync(request, handler).ConfigureAwait(false);
        if (signed && answer is ApiResult signable)
        {
            signable.SignedBy(signing, nonce);
        }

        var outcome = answer is ApiResult result ? result.Outcome : new CallOutcome(200);
        metrics.Answered(endpoint, outcome, clock.GetElapsedTime(started));
        LicensingTraces.Answered(span, outcome);
        return answer;
    }

    private async Task<IActionResult> AnswerAsync(HttpRequest request, Func<CancellationToken, Task<IActionResult>> handler)
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
        // Every attempt of an optimistic write lost its race: as busy as an unreachable store, and as passing.
        ContentionException => true,
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
