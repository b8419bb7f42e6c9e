namespace Licensing.Http;

/// <summary>Reads the <c>pageSize</c> and <c>continuationToken</c> of a paged admin GET.</summary>
public static class PageQuery
{
    /// <summary>The page asked for, or a validation problem for a size outside 1 to <see cref="TablePages.MaxPageSize"/>.</summary>
    public static IActionResult? TryRead(HttpRequest request, out PageRequest page)
    {
        var pageSize = PageRequest.DefaultPageSize;
        var size = request.Query["pageSize"].ToString();
        var token = request.Query["continuationToken"].ToString();
        page = new PageRequest(pageSize, token.Length == 0 ? null : token);
        if (size.Length > 0 && (!int.TryParse(size, out pageSize) || pageSize is < 1 or > TablePages.MaxPageSize))
        {
            return Problems.Validation(new Dictionary<string, string[]>
            {
                ["pageSize"] = [$"must be a whole number from 1 to {TablePages.MaxPageSize}."],
            });
        }

        page = page with { PageSize = pageSize };
        return null;
    }
}
