namespace Licensing.Api;

/// <summary>POST /v1/license/borrow: keeps a floating lease without heartbeats for a while, for offline work.</summary>
public sealed class Borrow(BorrowCalls calls)
{
    [Function(nameof(Borrow))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.Borrow)] HttpRequest req) =>
        calls.BorrowAsync(req);
}
