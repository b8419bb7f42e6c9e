namespace Licensing.Http;

/// <summary>The pages' answers, with the headers every page response carries (CSP, nosniff, no framing).</summary>
public abstract class PageAssetResult : IActionResult
{
    public abstract Task ExecuteResultAsync(ActionContext context);

    private static void SecurityHeaders(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = PageAssets.ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.XFrameOptions = "DENY";
        response.Headers["Referrer-Policy"] = "no-referrer";
    }

    /// <summary>A page's file, or 304 when the caller holds this very version.</summary>
    public sealed class File(PageAsset asset, bool notModified) : PageAssetResult
    {
        public override async Task ExecuteResultAsync(ActionContext context)
        {
            var response = context.HttpContext.Response;
            SecurityHeaders(response);
            response.Headers.CacheControl = PageAssets.CacheControl;
            response.Headers.ETag = asset.ETag;
            if (notModified)
            {
                response.StatusCode = StatusCodes.Status304NotModified;
                return;
            }

            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = asset.ContentType;
            response.ContentLength = asset.Content.Length;
            if (!HttpMethods.IsHead(context.HttpContext.Request.Method))
            {
                await response.Body.WriteAsync(asset.Content, context.HttpContext.RequestAborted).ConfigureAwait(false);
            }
        }
    }

    /// <summary>302 to a location relative to the request's own path.</summary>
    public sealed class Redirect(string location) : PageAssetResult
    {
        public override Task ExecuteResultAsync(ActionContext context)
        {
            var response = context.HttpContext.Response;
            SecurityHeaders(response);
            response.Headers.CacheControl = PageAssets.CacheControl;
            response.StatusCode = StatusCodes.Status302Found;
            response.Headers.Location = location;
            return Task.CompletedTask;
        }
    }
}
