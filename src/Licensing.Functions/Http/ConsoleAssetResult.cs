using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Licensing.Http;

/// <summary>The console's answers, with the headers every console response carries (CSP, nosniff, no framing).</summary>
public abstract class ConsoleAssetResult : IActionResult
{
    public abstract Task ExecuteResultAsync(ActionContext context);

    private static void SecurityHeaders(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = ConsoleAssets.ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.XFrameOptions = "DENY";
        response.Headers["Referrer-Policy"] = "no-referrer";
    }

    /// <summary>A console file, or 304 when the caller holds this very version.</summary>
    public sealed class File(ConsoleAsset asset, bool notModified) : ConsoleAssetResult
    {
        public override async Task ExecuteResultAsync(ActionContext context)
        {
            var response = context.HttpContext.Response;
            SecurityHeaders(response);
            response.Headers.CacheControl = ConsoleAssets.CacheControl;
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
    public sealed class Redirect(string location) : ConsoleAssetResult
    {
        public override Task ExecuteResultAsync(ActionContext context)
        {
            var response = context.HttpContext.Response;
            SecurityHeaders(response);
            response.Headers.CacheControl = ConsoleAssets.CacheControl;
            response.StatusCode = StatusCodes.Status302Found;
            response.Headers.Location = location;
            return Task.CompletedTask;
        }
    }
}
