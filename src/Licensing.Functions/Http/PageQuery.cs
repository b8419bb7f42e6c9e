using Licensing.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Licensing.Http;

/// <summary>The <c>pageSize</c> and <c>continuationToken</c> of a paged admin GET.</summary>
public sealed record PageQuery(int PageSize, string? ContinuationToken)
{
    public const int DefaultPageSize = 100;

    /// <summary>The page asked for, or a validation problem for a size outside 1 to <see cref="TablePages.MaxPageSize"/>.</summary>
    public static IActionResult? TryRead(HttpRequest request, out PageQuery query)
    {
        var pageSize = DefaultPageSize;
        var size = request.Query["pageSize"].ToString();
        var token = request.Query["continuationToken"].ToString();
        query = new PageQuery(pageSize, token.Length == 0 ? null : token);
        if (size.Length > 0 && (!int.TryParse(size, out pageSize) || pageSize is < 1 or > TablePages.MaxPageSize))
        {
            return Problems.Validation(new Dictionary<string, string[]>
            {
                ["pageSize"] = [$"must be a whole number from 1 to {TablePages.MaxPageSize}."],
            });
        }

        query = query with { PageSize = pageSize };
        return null;
    }

    public static IActionResult UnknownContinuationToken() =>
        Problems.Validation(new Dictionary<string, string[]> { ["continuationToken"] = ["is not a token this API returned."] });
}
