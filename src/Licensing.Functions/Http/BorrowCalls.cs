using Licensing.Auth;
using Licensing.Seats;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Licensing.Http;

/// <summary>The borrow call: a client-scope key, heartbeat's body plus <c>borrowFor</c>, the borrow, its answer.</summary>
public sealed class BorrowCalls(ApiEndpoint endpoint, BorrowService borrows)
{
    public Task<IActionResult> BorrowAsync(HttpRequest request) =>
        endpoint.RunWithBodyAsync("borrow", request, ApiScopes.Client, async (caller, body, ct) =>
        {
            var call = ClientCallReader.ByToken(body, caller);
            if (!body.Has("borrowFor"))
            {
                body.AddError("borrowFor", "is required.");
            }

            var borrowFor = body.Duration("borrowFor", TimeSpan.FromSeconds(1), BorrowCall.MaxBorrowFor);
            return body.Problem
                ?? Answers.Borrow(await borrows.BorrowAsync(caller, new BorrowCall(call!, borrowFor!.Value), ct).ConfigureAwait(false));
        });
}
