namespace Licensing.Http;

/// <summary>The trial call: a client-scope key, its body read and checked, the trial's activation, its answer.</summary>
public sealed class TrialCalls(ApiEndpoint endpoint, TrialService trials)
{
    public Task<IActionResult> StartAsync(HttpRequest request) =>
        endpoint.RunWithBodyAsync("trial", request, ApiScopes.Client, async (caller, body, ct) =>
        {
            var productId = body.Text("productId", LicenseDraft.MaxProductId);
            if (productId is not null && !LicenseDraft.IsProductId(productId))
            {
                body.AddError("productId", "must be 1 to 64 of a-z, 0-9 and '-'.");
            }

            var machineId = body.Text("machineId", ClientCall.IdMax, required: true);
            var clientName = body.Text("clientName", ClientCall.IdMax);
            return body.Problem
                ?? Answers.Trial(await trials.StartAsync(caller, new TrialCall(productId, machineId!, clientName, caller.ClientAddr), ct).ConfigureAwait(false));
        });
}
