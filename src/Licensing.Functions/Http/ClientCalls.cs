namespace Licensing.Http;

/// <summary>The seven client calls: a client-scope key, the shared body, the service's decision, its answer.</summary>
public sealed class ClientCalls(ApiEndpoint endpoint, ActivationService activations, LeaseService leases, LicenseStatusService status, SeatDenials denials)
{
    public Task<IActionResult> ActivateAsync(HttpRequest request) =>
        RunAsync("activate", request, ClientCallReader.ByUserKey, async (caller, call, ct) => Answers.Activation(await denials.NoteAsync(call.UserKey, await activations.ActivateAsync(caller, call, ct).ConfigureAwait(false), ct).ConfigureAwait(false)));

    public Task<IActionResult> DeactivateAsync(HttpRequest request) =>
        RunAsync("deactivate", request, ClientCallReader.ByUserKey, async (caller, call, ct) => Answers.From(await activations.DeactivateAsync(caller, call, ct).ConfigureAwait(false), Answers.Counts));

    public Task<IActionResult> RequestAsync(HttpRequest request) =>
        RunAsync("request", request, ClientCallReader.ByUserKey, async (caller, call, ct) => Answers.Lease(await denials.NoteAsync(call.UserKey, await leases.RequestAsync(caller, call, ct).ConfigureAwait(false), ct).ConfigureAwait(false)));

    public Task<IActionResult> HeartbeatAsync(HttpRequest request) =>
        RunAsync("heartbeat", request, ClientCallReader.ByToken, async (caller, call, ct) => Answers.Heartbeat(await leases.HeartbeatAsync(caller, call, ct).ConfigureAwait(false)));

    public Task<IActionResult> ReleaseAsync(HttpRequest request) =>
        RunAsync("release", request, ClientCallReader.ByToken, async (caller, call, ct) => Answers.From(await leases.ReleaseAsync(caller, call, ct).ConfigureAwait(false), Answers.Counts));

    public Task<IActionResult> ValidateAsync(HttpRequest request) =>
        RunAsync("validate", request, ClientCallReader.ByUserKey, async (caller, call, ct) => Answers.Activation(await status.ValidateAsync(caller, call, ct).ConfigureAwait(false)));

    public Task<IActionResult> InfoAsync(HttpRequest request) =>
        RunAsync("info", request, ClientCallReader.ByUserKey, async (caller, call, ct) => Answers.From(await status.InfoAsync(caller, call, ct).ConfigureAwait(false), Answers.Info));

    private Task<IActionResult> RunAsync(
        string endpointName,
        HttpRequest request,
        Func<JsonFields, Caller, ClientCall?> read,
        Func<Caller, ClientCall, CancellationToken, Task<IActionResult>> handle) =>
        endpoint.RunWithBodyAsync(endpointName, request, ApiScopes.Client, (caller, body, ct) =>
            read(body, caller) is { } call ? handle(caller, call, ct) : Task.FromResult(body.Problem!));
}
