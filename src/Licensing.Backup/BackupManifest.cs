namespace Licensing.Backup;

/// <summary>
/// What a finished backup holds: each table's row count and content hash (SHA-256 of its parts' hashes, in order, one
/// per line; each part's hash is the SHA-256 of its uncompressed JSON lines), when it ran and which app wrote it.
/// </summary>
public sealed record BackupManifest(
    int Format,
    string BackupId,
    string TablePrefix,
    string AppVersion,
    DateTimeOffset StartedAt,
    DateTimeOffset CompletedAt,
    IReadOnlyList<TableManifest> Tables)
{
    public const int CurrentFormat = 1;
    public const string FileName = "manifest.json";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}

/// <summary>One table of a backup: its name without the app's table prefix, its rows, its hash and its parts.</summary>
public sealed record TableManifest(string Table, long Rows, string Sha256, IReadOnlyList<PartManifest> Parts);

/// <summary>One gzip-compressed file of JSON lines: a run of a table's rows in key order.</summary>
public sealed record PartManifest(string Blob, int Rows, string Sha256);
