namespace Licensing.Api;

/// <summary>
/// GET /console and /console/{asset}: the admin console's page, styles and scripts, embedded in this assembly so every
/// deployment carries the console it was built with. The console signs in with an admin key in the browser; serving its
/// files needs no credentials. Its name sorts before the catch-all's (see <see cref="Fallback"/>).
/// </summary>
public sealed class AdminConsole(ApiEndpoint endpoint)
{
    [Function(nameof(AdminConsole))]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", Route = Routes.Console)] HttpRequest req, string? asset) =>
        endpoint.RunAnonymousAsync("console", req, _ => Task.FromResult(PageAssets.Console.Answer(req, asset)));
}
