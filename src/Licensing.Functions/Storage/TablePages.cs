namespace Licensing.Storage;

/// <summary>
/// One page of a table query, resumed from a continuation token this API handed out. The storage service's own token
/// travels inside the API's behind a checksum, so a token the API never returned is refused rather than read by
/// storage as a position (Azurite reads any text as one).
/// </summary>
public static class TablePages
{
    public const int MaxPageSize = 1000;
    private const int ChecksumLength = 8;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The page's rows and the token of the next page; null when the token is not one of ours.</summary>
    public static async Task<(IReadOnlyList<TableEntity> Rows, string? Next)?> ReadAsync(
        TableClient table, string filter, int pageSize, string? continuationToken, CancellationToken ct)
    {
        string? storageToken = null;
        if (continuationToken is not null && !TryOpen(continuationToken, out storageToken))
        {
            return null;
        }

        try
        {
            await foreach (var page in table.QueryAsync<TableEntity>(filter, pageSize, cancellationToken: ct)
                               .AsPages(storageToken, pageSize).ConfigureAwait(false))
            {
                return (page.Values, Seal(page.ContinuationToken));
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

    private static string? Seal(string? storageToken) =>
        storageToken is null ? null : Base64Url.EncodeToString([.. Checksum(storageToken), .. StrictUtf8.GetBytes(storageToken)]);

    private static bool TryOpen(string token, out string? storageToken)
    {
        storageToken = null;
        try
        {
            var bytes = Base64Url.DecodeFromChars(token);
            if (bytes.Length <= ChecksumLength)
            {
                return false;
            }

            var text = StrictUtf8.GetString(bytes, ChecksumLength, bytes.Length - ChecksumLength);
            if (!bytes.AsSpan(0, ChecksumLength).SequenceEqual(Checksum(text)))
            {
                return false;
            }

            storageToken = text;
            return true;
        }
        catch (Exception ex) when (ex is FormatException or DecoderFallbackException)
        {
            return false;
        }
    }

    private static byte[] Checksum(string storageToken) =>
        SHA256.HashData(StrictUtf8.GetBytes("licensing:page:" + storageToken))[..ChecksumLength];
}
