namespace Licensing.Http;

/// <summary>The borrow call: a client-scope key, heartbeat's body plus <c>borrowFor</c>, the borrow, its answer.</summary>
public sealed class BorrowCalls(ApiEndpoint endpoint, BorrowService borrows)
{
    public Task<IActionResult> BorrowAsync(HttpRequest request) =>
        endpoint.RunWithBodyAsync("borrow", request, ApiScopes.Client, async (caller, body, ct) =>
        {
            var call = ClientCallReader.ByToken(body, caller);
            var borrowFor = body.Duration("borrowFor", TimeSpan.FromSeconds(1), BorrowCall.MaxBorrowFor);
            if (borrowFor is null && !body.Errors.Any(e => e.Field == "borrowFor"))
            {
                // Absent or null: Duration reads both as "not given".
                body.AddError("borrowFor", "is required.");
            }
            return body.Problem
                ?? Answers.Borrow(await borrows.BorrowAsync(caller, new BorrowCall(call!, borrowFor!.Value), ct).ConfigureAwait(false));
        });
}
