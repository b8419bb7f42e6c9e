namespace Licensing.Backup;

/// <summary>How a table's content hash is made from its parts' hashes.</summary>
public static class BackupHashes
{
    public static string OfTable(IEnumerable<PartManifest> parts) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Concat(parts.Select(p => p.Sha256 + "\n")))));
}
