using System.Text;

namespace Licensing.Client;

/// <summary>
/// Keeps the last license document the server vouched for on disk, so an app can keep working offline for a grace
/// period the vendor chooses. The grace runs from the document's own signed <c>issuedAt</c>, so editing the file
/// can neither forge a license nor stretch the grace.
/// </summary>
public sealed class OfflineLicenseCache
{
    private readonly string _path;
    private readonly TimeProvider _clock;

    public OfflineLicenseCache(string path, TimeProvider? clock = null)
    {
        _path = path ?? throw new ArgumentNullException(nameof(path));
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>Stores a document (the <c>license.licenseKey</c> of a successful activate, request or validate).</summary>
    public void Save(byte[] licenseKey)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(_path));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        var temporary = _path + ".tmp";
        File.WriteAllText(temporary, Encoding.ASCII.GetString(licenseKey ?? throw new ArgumentNullException(nameof(licenseKey))));
        if (File.Exists(_path))
        {
            File.Replace(temporary, _path, null);
        }
        else
        {
            File.Move(temporary, _path);
        }
    }

    /// <summary>
    /// The cached license if it verifies with <paramref name="verifier"/> (keys the app trusts: shipped with it, or
    /// fetched earlier) and the server vouched for it within <paramref name="gracePeriod"/>; otherwise null.
    /// </summary>
    public VerifiedLicense? TryLoad(LicenseVerifier verifier, TimeSpan gracePeriod)
    {
        if (verifier is null)
        {
            throw new ArgumentNullException(nameof(verifier));
        }

        string text;
        try
        {
            text = File.ReadAllText(_path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        try
        {
            var license = verifier.VerifyDocument(Encoding.ASCII.GetBytes(text.Trim()));
            return _clock.GetUtcNow() - license.IssuedAt <= gracePeriod + verifier.ClockSkew ? license : null;
        }
        catch (LicensingException)
        {
            return null;
        }
    }
}
