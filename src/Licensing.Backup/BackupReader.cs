namespace Licensing.Backup;

/// <summary>A backup whose parts do not hold what its manifest says, or a backup that is not there.</summary>
public sealed class BackupInvalidException(string message) : Exception(message);

/// <summary>Reads finished backups: their manifests, and each part's rows once its count and hash are checked.</summary>
public sealed class BackupReader(BlobContainerClient container)
{
    /// <summary>The manifest of the backup named, or of the newest finished backup in the container.</summary>
    public async Task<BackupManifest> ManifestAsync(string? backupId, CancellationToken ct)
    {
        backupId ??= await NewestAsync(ct).ConfigureAwait(false)
            ?? throw new BackupInvalidException($"The container '{container.Name}' holds no finished backup.");
        try
        {
            var blob = await container.GetBlobClient(BackupLayout.ManifestBlob(backupId)).DownloadContentAsync(ct).ConfigureAwait(false);
            var manifest = blob.Value.Content.ToObjectFromJson<BackupManifest>(BackupManifest.Json)
                ?? throw new BackupInvalidException($"The manifest of backup '{backupId}' is empty.");
            if (manifest.Format != BackupManifest.CurrentFormat)
            {
                throw new BackupInvalidException($"Backup '{backupId}' has format {manifest.Format}; this tool reads format {BackupManifest.CurrentFormat}.");
            }

            return manifest;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            throw new BackupInvalidException($"The container '{container.Name}' holds no finished backup '{backupId}' (no {BackupLayout.ManifestBlob(backupId)}).");
        }
    }

    /// <summary>A part's rows, after its row count and hash were checked against the manifest.</summary>
    public async Task<IReadOnlyList<TableEntity>> ReadPartAsync(TableManifest table, PartManifest part, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(part);
        byte[] lines;
        try
        {
            var blob = await container.GetBlobClient(part.Blob).DownloadContentAsync(ct).ConfigureAwait(false);
            using var gzip = new GZipStream(blob.Value.Content.ToStream(), CompressionMode.Decompress);
            using var plain = new MemoryStream();
            await gzip.CopyToAsync(plain, ct).ConfigureAwait(false);
            lines = plain.ToArray();
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            throw new BackupInvalidException($"Table {table.Table}: part {part.Blob} is missing.");
        }
        catch (InvalidDataException)
        {
            throw new BackupInvalidException($"Table {table.Table}: part {part.Blob} is not gzip data.");
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(lines));
        if (hash != part.Sha256)
        {
            throw new BackupInvalidException($"Table {table.Table}: part {part.Blob} has SHA-256 {hash}, the manifest says {part.Sha256}.");
        }

        var rows = new List<TableEntity>(part.Rows);
        var rest = lines.AsMemory();
        while (rest.Length > 0)
        {
            var end = rest.Span.IndexOf((byte)'\n');
            var line = end < 0 ? rest : rest[..end];
            rows.Add(EntityLines.Read(line.Span));
            rest = end < 0 ? Memory<byte>.Empty : rest[(end + 1)..];
        }

        if (rows.Count != part.Rows)
        {
            throw new BackupInvalidException($"Table {table.Table}: part {part.Blob} holds {rows.Count} rows, the manifest says {part.Rows}.");
        }

        return rows;
    }

    /// <summary>Checks a table's totals against its parts' (each part is checked as it is read).</summary>
    public static void CheckTotals(TableManifest table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var rows = table.Parts.Sum(p => (long)p.Rows);
        if (rows != table.Rows)
        {
            throw new BackupInvalidException($"Table {table.Table}: its parts hold {rows} rows, the manifest says {table.Rows}.");
        }

        var hash = BackupHashes.OfTable(table.Parts);
        if (hash != table.Sha256)
        {
            throw new BackupInvalidException($"Table {table.Table}: its parts hash to {hash}, the manifest says {table.Sha256}.");
        }
    }

    private async Task<string?> NewestAsync(CancellationToken ct)
    {
        string? newest = null;
        await foreach (var blob in container.GetBlobsAsync(cancellationToken: ct).ConfigureAwait(false))
        {
            if (BackupLayout.BackupIdOfManifest(blob.Name) is { } id && string.CompareOrdinal(id, newest) > 0)
            {
                newest = id;
            }
        }

        return newest;
    }
}
