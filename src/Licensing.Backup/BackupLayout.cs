namespace Licensing.Backup;

/// <summary>Every blob name of the backup container, in one place.</summary>
public static class BackupLayout
{
    /// <summary>A backup's id: the app's table prefix and the UTC second it started, so ids sort by time.</summary>
    public static string BackupId(string tablePrefix, DateTimeOffset startedAt) =>
        tablePrefix + startedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH-mm-ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>The progress of the app's unfinished backup; gone once it finishes.</summary>
    public static string ProgressBlob(string tablePrefix) => "in-progress/" + (tablePrefix.Length == 0 ? "app" : tablePrefix) + ".json";

    public static string ManifestBlob(string backupId) => backupId + "/" + BackupManifest.FileName;

    public static string PartBlob(string backupId, string table, int index) =>
        $"{backupId}/{table}/{index.ToString("D5", CultureInfo.InvariantCulture)}.jsonl.gz";

    /// <summary>The backup id of a manifest blob's name, or null when the name is not one.</summary>
    public static string? BackupIdOfManifest(string blobName) =>
        blobName.EndsWith("/" + BackupManifest.FileName, StringComparison.Ordinal) && blobName.IndexOf('/', StringComparison.Ordinal) == blobName.Length - BackupManifest.FileName.Length - 1
            ? blobName[..^(BackupManifest.FileName.Length + 1)]
            : null;
}
