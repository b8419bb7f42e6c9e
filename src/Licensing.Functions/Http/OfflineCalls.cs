namespace Licensing.Http;

/// <summary>The offline calls: a client-scope (or admin) key, the request or proof text read and checked, the service's answer.</summary>
public sealed class OfflineCalls(ApiEndpoint endpoint, OfflineActivationService offline, TimeProvider clock)
{
    public Task<IActionResult> ActivateAsync(HttpRequest request) =>
        endpoint.RunWithBodyAsync("offline-activate", request, ApiScopes.Client, async (caller, body, ct) =>
            OfflineTextReader.ReadRequest(body, clock.GetUtcNow()) is { } offlineRequest && !body.HasErrors
                ? Answers.OfflineActivation(await offline.ActivateAsync(caller, offlineRequest, ct).ConfigureAwait(false))
                : body.Problem!);

    public Task<IActionResult> DeactivateAsync(HttpRequest request) =>
        endpoint.RunWithBodyAsync("offline-deactivate", request, ApiScopes.Client, async (caller, body, ct) =>
            OfflineTextReader.ReadProof(body, clock.GetUtcNow()) is { } proof && !body.HasErrors
                ? Answers.OfflineDeactivation(await offline.DeactivateAsync(caller, proof, ct).ConfigureAwait(false))
                : body.Problem!);
}
