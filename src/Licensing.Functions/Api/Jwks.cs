namespace Licensing.Api;

/// <summary>GET /v1/license/keys: the public signing keys as a JWKS, no credentials needed.</summary>
public sealed class Jwks(ApiEndpoint endpoint, TokenSigner signer)
{
    [Function(nameof(Jwks))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Routes.Keys)] HttpRequest req) =>
        endpoint.RunAnonymousAsync("keys", req, _ =>
            Task.FromResult<IActionResult>(ApiResult.Ok(new JwksResponse(signer.PublicKeys), ApiJson.Wire.JwksResponse)));
}
