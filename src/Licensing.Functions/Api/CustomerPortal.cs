namespace Licensing.Api;

/// <summary>
/// GET /portal and /portal/{asset}: the customer portal's page, styles and scripts, embedded like the console's. A
/// license's owner signs in on the page with the license key; serving its files needs no credentials. Its name sorts
/// before the catch-all's (see <see cref="Fallback"/>).
/// </summary>
public sealed class CustomerPortal(ApiEndpoint endpoint)
{
    [Function(nameof(CustomerPortal))]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", Route = Routes.Portal)] HttpRequest req, string? asset) =>
        endpoint.RunAnonymousAsync("portal", req, _ => Task.FromResult(PageAssets.Portal.Answer(req, asset)));
}
