namespace Licensing.Http;

/// <summary>Admin calls that show how the deployment sees a request.</summary>
public sealed class AdminDiagnostics(ApiEndpoint endpoint, IOptions<LicensingOptions> options)
{
    /// <summary>The headers that say where a request came from, as the app received them.</summary>
    public static readonly IReadOnlyList<string> ForwardingHeaderNames =
        ["X-Forwarded-For", "X-Original-For", "X-Forwarded-Proto", "X-Original-Proto", "X-Forwarded-Host", "X-Original-Host", "Forwarded", "X-Azure-ClientIP", "X-Azure-SocketIP"];

    public Task<IActionResult> WhoAmIAsync(HttpRequest request) =>
        endpoint.RunAsync("admin.whoami", request, ApiScopes.Admin, (caller, _) =>
        {
            var headers = ForwardingHeaderNames
                .Where(name => request.Headers.ContainsKey(name))
                .ToDictionary(name => name, name => request.Headers[name].ToString(), StringComparer.OrdinalIgnoreCase);
            var view = new WhoAmIView(caller.KeyId, caller.Scope, caller.ProductId, caller.ClientAddr, options.Value.TrustedProxyCount, headers);
            return Task.FromResult<IActionResult>(ApiResult.Ok(view, ApiJson.Wire.WhoAmIView));
        });
}
