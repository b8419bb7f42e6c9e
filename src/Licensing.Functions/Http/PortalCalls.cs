namespace Licensing.Http;

/// <summary>
/// The customer portal's calls: the sign-in with a license key (throttled per address as wrong API keys are), and the
/// calls a session makes on its one license; the service's outcome, its answer.
/// </summary>
public sealed class PortalCalls(ApiEndpoint endpoint, RequestAuthorizer authorizer, PortalSessions sessions, PortalService portal, TimeProvider clock)
{
    public Task<IActionResult> SignInAsync(HttpRequest request) =>
        endpoint.RunGuardedAsync("portal.session", request, async ct =>
        {
            var address = RequestAuthorizer.ClientAddress(request);
            var (refused, tooMany) = authorizer.AdmitAddress(address, out var wait);
            if (tooMany is not null)
            {
                return tooMany;
            }

            var (body, bodyProblem) = await RequestBody.ReadAsync(request, ct).ConfigureAwait(false);
            if (bodyProblem is not null)
            {
                return bodyProblem;
            }

            var userKey = body!.Text("userKey", ClientCall.UserKeyMax, required: true);
            if (body.Problem is { } problem)
            {
                return problem;
            }

            var signedIn = await portal.SignInAsync(userKey!, address, cachedOnly: refused, ct).ConfigureAwait(false);
            return signedIn.Refused switch
            {
                { Reason: PortalRefusals.NotKnownHere } => Problems.TooManyRequests(wait),
                { } refusal => Refused(request, refusal),
                _ => (refused ? authorizer.AfterRefusal(address) : null) ?? Answers.PortalSession(signedIn.Value!),
            };
        });

    public Task<IActionResult> LicenseAsync(HttpRequest request) =>
        WithSessionAsync("portal.license", request, async (session, ct) =>
            Answer(await portal.ViewAsync(session, ct).ConfigureAwait(false), request, Answers.PortalLicense));

    public Task<IActionResult> EventsAsync(HttpRequest request) =>
        WithSessionAsync("portal.events", request, async (session, ct) =>
            PageQuery.TryRead(request, out var page)
            ?? Answer(await portal.EventsAsync(session, page, ct).ConfigureAwait(false), request, Answers.Events));

    public Task<IActionResult> FreeSeatAsync(HttpRequest request, string token) =>
        WithSessionAsync("portal.free_seat", request, async (session, ct) =>
            IsPublicId(token)
                ? Answer(await portal.FreeSeatAsync(session, token, RequestAuthorizer.ClientAddress(request), ct).ConfigureAwait(false), request, Answers.PortalLicense)
                : Problems.Reason(404, Reasons.TokenNotFound, "This license has no seat with this token."));

    public Task<IActionResult> DocumentAsync(HttpRequest request) =>
        WithSessionAsync("portal.document", request, async (session, ct) =>
            Answer(await portal.DocumentAsync(session, ct).ConfigureAwait(false), request, Answers.Document));

    public Task<IActionResult> OfflineActivateAsync(HttpRequest request) =>
        WithSessionBodyAsync("portal.offline_activate", request, async (session, body, ct) =>
            OfflineTextReader.ReadRequest(body, clock.GetUtcNow()) is { } offlineRequest && !body.HasErrors
                ? Answer(await portal.ActivateOfflineAsync(session, offlineRequest, RequestAuthorizer.ClientAddress(request), ct).ConfigureAwait(false), request, Answers.OfflineActivation)
                : body.Problem!);

    public Task<IActionResult> OfflineDeactivateAsync(HttpRequest request) =>
        WithSessionBodyAsync("portal.offline_deactivate", request, async (session, body, ct) =>
            OfflineTextReader.ReadProof(body, clock.GetUtcNow()) is { } proof && !body.HasErrors
                ? Answer(await portal.DeactivateOfflineAsync(session, proof, RequestAuthorizer.ClientAddress(request), ct).ConfigureAwait(false), request, Answers.OfflineDeactivation)
                : body.Problem!);

    /// <summary>A public token id as info shows it: anything else names no seat, answered without a storage call.</summary>
    private static bool IsPublicId(string token) =>
        token.Length <= 64 && (token.StartsWith(TokenIds.ActivationPrefix, StringComparison.Ordinal) || token.StartsWith(TokenIds.LeasePrefix, StringComparison.Ordinal));

    private Task<IActionResult> WithSessionAsync(string name, HttpRequest request, Func<PortalSessionClaims, CancellationToken, Task<IActionResult>> handler) =>
        endpoint.RunGuardedAsync(name, request, ct =>
        {
            var (session, problem) = authorizer.AuthorizeSession(request, sessions);
            return problem is not null ? Task.FromResult(problem) : handler(session!, ct);
        });

    private Task<IActionResult> WithSessionBodyAsync(string name, HttpRequest request, Func<PortalSessionClaims, JsonFields, CancellationToken, Task<IActionResult>> handler) =>
        WithSessionAsync(name, request, async (session, ct) =>
        {
            var (body, problem) = await RequestBody.ReadAsync(request, ct).ConfigureAwait(false);
            return problem ?? await handler(session, body!, ct).ConfigureAwait(false);
        });

    private IActionResult Answer<T>(Outcome<T> outcome, HttpRequest request, Func<T, IActionResult> answer)
        where T : class =>
        outcome.Refused is { } refusal ? Refused(request, refusal) : answer(outcome.Value!);

    /// <summary>The portal's own refusals as problems; the seat rules' refusals as everywhere else.</summary>
    private IActionResult Refused(HttpRequest request, Refusal refusal) => refusal.Reason switch
    {
        PortalRefusals.WrongLicenseKey => authorizer.WrongCredential(request, Problems.WrongLicenseKey()),
        PortalRefusals.SessionEnded => Problems.NoSession(),
        PortalRefusals.PortalDisabled => Problems.PortalOff(),
        _ => Answers.Refused(refusal),
    };
}
