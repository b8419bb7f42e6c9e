namespace Licensing.Backup;

/// <summary>
/// Writes the app's tables to a blob container: per table, parts of gzip-compressed JSON lines read a page at a time,
/// then a manifest. Its progress is a blob, replaced after each part under its ETag, so two runs never write one backup
/// and a run cut off resumes from the last part it recorded.
/// </summary>
public sealed class BackupWriter(BlobContainerClient container, string tablePrefix, string appVersion, TimeProvider clock)
{
    public const int PageSize = 1000;

    /// <summary>Rows per part: whole pages, at least this many (the last part of a table may hold fewer).</summary>
    public int RowsPerPart { get; init; } = 5 * PageSize;

    /// <summary>Runs the backup under way, or starts one; stops after <paramref name="maxParts"/> parts if given.</summary>
    public async Task<BackupRun?> RunAsync(IReadOnlyList<BackupTable> tables, int? maxParts, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tables);
        await container.CreateIfNotExistsAsync(cancellationToken: ct).ConfigureAwait(false);
        var progressBlob = container.GetBlobClient(BackupLayout.ProgressBlob(tablePrefix));
        var (progress, etag, resumed) = await StartOrResumeAsync(progressBlob, ct).ConfigureAwait(false);
        if (progress is null)
        {
            return null;
        }

        var parts = 0;
        long rows = 0;
        foreach (var table in tables)
        {
            if (progress.Done.Any(t => t.Table == table.Name))
            {
                continue;
            }

            var tableParts = progress.Table == table.Name ? progress.Parts.ToList() : [];
            var continuation = progress.Table == table.Name ? progress.Continuation : null;
            var part = new BackupPart();
            try
            {
                await foreach (var page in table.Client.QueryAsync<TableEntity>(maxPerPage: PageSize, cancellationToken: ct)
                                   .AsPages(continuation, PageSize).ConfigureAwait(false))
                {
                    foreach (var entity in page.Values)
                    {
                        part.Add(entity);
                    }

                    if (part.Rows == 0 || (part.Rows < RowsPerPart && page.ContinuationToken is not null))
                    {
                        continue;
                    }

                    if (maxParts is { } budget && parts >= budget)
                    {
                        return new BackupRun(progress.BackupId, Complete: false, resumed, parts, rows);
                    }

                    var written = await UploadPartAsync(progress.BackupId, table.Name, tableParts.Count, part, ct).ConfigureAwait(false);
                    tableParts.Add(written);
                    parts++;
                    rows += written.Rows;
                    part.Dispose();
                    part = new BackupPart();
                    progress = progress with { Table = table.Name, Parts = tableParts.ToList(), Continuation = page.ContinuationToken };
                    etag = await SaveAsync(progressBlob, progress, etag, ct).ConfigureAwait(false);
                }
            }
            finally
            {
                part.Dispose();
            }

            var done = new TableManifest(table.Name, tableParts.Sum(p => (long)p.Rows), BackupHashes.OfTable(tableParts), tableParts);
            progress = progress with { Done = [.. progress.Done, done], Table = null, Parts = [], Continuation = null };
            etag = await SaveAsync(progressBlob, progress, etag, ct).ConfigureAwait(false);
        }

        var manifest = new BackupManifest(BackupManifest.CurrentFormat, progress.BackupId, tablePrefix, appVersion, progress.StartedAt, clock.GetUtcNow(), progress.Done);
        await container.GetBlobClient(BackupLayout.ManifestBlob(progress.BackupId))
            .UploadAsync(BinaryData.FromObjectAsJson(manifest, BackupManifest.Json), overwrite: true, ct).ConfigureAwait(false);
        await progressBlob.DeleteAsync(conditions: new BlobRequestConditions { IfMatch = etag }, cancellationToken: ct).ConfigureAwait(false);
        return new BackupRun(progress.BackupId, Complete: true, resumed, parts, rows);
    }

    private async Task<(BackupProgress? Progress, ETag ETag, bool Resumed)> StartOrResumeAsync(BlobClient progressBlob, CancellationToken ct)
    {
        try
        {
            var saved = await progressBlob.DownloadContentAsync(ct).ConfigureAwait(false);
            return (saved.Value.Content.ToObjectFromJson<BackupProgress>(BackupManifest.Json), saved.Value.Details.ETag, true);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            var startedAt = clock.GetUtcNow();
            var progress = new BackupProgress(BackupLayout.BackupId(tablePrefix, startedAt), startedAt, [], null, [], null);
            try
            {
                // Create: a second run starting at the same moment gets 409 and leaves the backup to this one.
                var created = await progressBlob.UploadAsync(Serialize(progress),
                    new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, ct).ConfigureAwait(false);
                return (progress, created.Value.ETag, false);
            }
            catch (RequestFailedException race) when (race.Status is 409 or 412)
            {
                return (null, default, false);
            }
        }
    }

    private async Task<PartManifest> UploadPartAsync(string backupId, string table, int index, BackupPart part, CancellationToken ct)
    {
        var (content, sha256) = part.Finish();
        var name = BackupLayout.PartBlob(backupId, table, index);
        // Overwrite: a run cut off after writing this part but before recording it wrote the same rows under this name.
        await container.GetBlobClient(name).UploadAsync(content, overwrite: true, ct).ConfigureAwait(false);
        return new PartManifest(name, part.Rows, sha256);
    }

    /// <summary>Replaces the progress under its ETag (412 when another run moved it: this run stops).</summary>
    private static async Task<ETag> SaveAsync(BlobClient progressBlob, BackupProgress progress, ETag etag, CancellationToken ct)
    {
        var saved = await progressBlob.UploadAsync(Serialize(progress),
            new BlobUploadOptions { Conditions = new BlobRequestConditions { IfMatch = etag } }, ct).ConfigureAwait(false);
        return saved.Value.ETag;
    }

    private static BinaryData Serialize(BackupProgress progress) => BinaryData.FromObjectAsJson(progress, BackupManifest.Json);
}
