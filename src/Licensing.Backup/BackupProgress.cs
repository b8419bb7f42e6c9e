namespace Licensing.Backup;

/// <summary>
/// An unfinished backup, saved after every part: the tables done, and of the table under way its parts and the
/// storage continuation token after its last part, so a run that is cut off resumes where the last one stopped.
/// </summary>
public sealed record BackupProgress(
    string BackupId,
    DateTimeOffset StartedAt,
    IReadOnlyList<TableManifest> Done,
    string? Table,
    IReadOnlyList<PartManifest> Parts,
    string? Continuation);

/// <summary>What one run did: the backup it worked on, whether it finished, and what it wrote.</summary>
public sealed record BackupRun(string BackupId, bool Complete, bool Resumed, int Parts, long Rows);

/// <summary>A table to back up: its name without the app's prefix, and its client.</summary>
public sealed record BackupTable(string Name, Azure.Data.Tables.TableClient Client);
