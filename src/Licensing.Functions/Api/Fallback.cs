namespace Licensing.Api;

/// <summary>
/// Any route no other function took: 405 with Allow for a known route asked with the wrong method, else 404,
/// both as problem details (the hosts' own answers would be empty). Its function name sorts last on purpose:
/// the Functions host tries overlapping routes in the alphabetical order of function names, not by
/// specificity (azure-functions-host#9876), so a catch-all must come after every other function.
/// </summary>
public sealed class Fallback(ApiEndpoint endpoint)
{
    private static readonly IReadOnlyList<HttpFunction> Known =
        FunctionRoutes.Discover(typeof(Fallback).Assembly).Where(f => f.Name != FunctionName).ToArray();

    public const string FunctionName = "ZzFallback";

    [Function(FunctionName)]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", "put", "patch", "delete", "head", "options", Route = Routes.Anything)] HttpRequest req) =>
        endpoint.RunAnonymousAsync("unknown_route", req, _ =>
        {
            var path = req.Path.Value ?? "/";
            var allowed = Known.Where(f => f.Matches(path)).SelectMany(f => f.Methods).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
            return Task.FromResult(allowed.Length > 0
                ? Problems.MethodNotAllowedFor(req.Method, allowed)
                : Problems.RouteNotFound(path));
        });
}
