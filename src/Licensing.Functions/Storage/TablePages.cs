using Azure;
using Azure.Data.Tables;

namespace Licensing.Storage;

/// <summary>One page of a table query, resumed from a continuation token this API handed out.</summary>
public static class TablePages
{
    public const int MaxPageSize = 1000;

    /// <summary>The page's rows and the token of the next page; null when the token is not one of ours.</summary>
    public static async Task<(IReadOnlyList<TableEntity> Rows, string? Next)?> ReadAsync(
        TableClient table, string filter, int pageSize, string? continuationToken, CancellationToken ct)
    {
        try
        {
            await foreach (var page in table.QueryAsync<TableEntity>(filter, pageSize, cancellationToken: ct)
                               .AsPages(continuationToken, pageSize).ConfigureAwait(false))
            {
                return (page.Values, page.ContinuationToken);
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 400)
        {
            return null;
        }
        catch (FormatException)
        {
            return null;
        }

        return ([], null);
    }
}
