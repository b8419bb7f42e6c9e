namespace Licensing.Cli;

/// <summary>The first page of a paged admin list, or with <c>--all</c> every page, following the continuation tokens.</summary>
internal static class Pages
{
    public static async Task<(List<T> Items, string? ContinuationToken)> ReadAsync<T>(
        bool all, Func<string?, Task<(List<T> Items, string? ContinuationToken)>> read)
    {
        var (items, token) = await read(null);
        while (all && !string.IsNullOrEmpty(token))
        {
            var (more, next) = await read(token);
            items.AddRange(more);
            token = next;
        }

        return (items, token);
    }
}
