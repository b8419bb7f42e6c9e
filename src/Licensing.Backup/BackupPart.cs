namespace Licensing.Backup;

/// <summary>
/// A part being written: rows go through a hash of their uncompressed lines and into gzip in memory, a part at a time,
/// so a backup holds at most one part of one table in memory.
/// </summary>
public sealed class BackupPart : IDisposable
{
    private static readonly byte[] NewLine = "\n"u8.ToArray();

    private readonly MemoryStream _compressed = new();
    private readonly GZipStream _gzip;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly ArrayBufferWriter<byte> _line = new();

    public BackupPart() => _gzip = new GZipStream(_compressed, CompressionLevel.Optimal, leaveOpen: true);

    public int Rows { get; private set; }

    public void Add(TableEntity entity)
    {
        _line.ResetWrittenCount();
        using (var json = new Utf8JsonWriter(_line))
        {
            EntityLines.Write(json, entity);
        }

        _line.Write(NewLine);
        _hash.AppendData(_line.WrittenSpan);
        _gzip.Write(_line.WrittenSpan);
        Rows++;
    }

    /// <summary>The compressed bytes and the hash of the lines; the part takes no more rows.</summary>
    public (BinaryData Content, string Sha256) Finish()
    {
        _gzip.Dispose();
        return (new BinaryData(_compressed.ToArray()), Convert.ToHexStringLower(_hash.GetHashAndReset()));
    }

    public void Dispose()
    {
        _gzip.Dispose();
        _compressed.Dispose();
        _hash.Dispose();
    }
}
