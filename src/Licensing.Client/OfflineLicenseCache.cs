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
        WriteAtomically(_path, Encoding.ASCII.GetString(licenseKey ?? throw new ArgumentNullException(nameof(licenseKey))));
    }

    private static void WriteAtomically(string path, string text)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        var temporary = path + ".tmp";
        File.WriteAllText(temporary, text);
        if (File.Exists(path))
        {
            File.Replace(temporary, path, null);
        }
        else
        {
            File.Move(temporary, path);
        }
    }

    /// <summary>The pending offline request's id and machine (<c>PATH.offline-request</c>): what an imported response must answer.</summary>
    internal void SavePendingRequest(string requestId, string machineId) => WriteAtomically(_path + PendingSuffix, requestId + "\n" + machineId);

    internal (string RequestId, string MachineId)? ReadPendingRequest()
    {
        var lines = ReadText(_path + PendingSuffix)?.Split('\n');
        return lines is { Length: 2 } ? (lines[0], lines[1]) : null;
    }

    /// <summary>The imported offline activation's response text (<c>PATH.offline-activation</c>), kept until deactivated.</summary>
    internal void SaveOfflineActivation(string response)
    {
        WriteAtomically(_path + ActivationSuffix, response);
        File.Delete(_path + PendingSuffix);
    }

    internal string? ReadOfflineActivation() => ReadText(_path + ActivationSuffix)?.Trim();

    internal void DeleteOfflineActivation() => File.Delete(_path + ActivationSuffix);

    private const string PendingSuffix = ".offline-request";
    private const string ActivationSuffix = ".offline-activation";

    private static string? ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Stores a borrowed lease's token beside the document (<c>PATH.token</c>): it is good offline until its expiry.</summary>
    public void SaveToken(string licenseToken) =>
        WriteAtomically(_path + ".token", licenseToken ?? throw new ArgumentNullException(nameof(licenseToken)));

    /// <summary>
    /// The cached borrowed token if it verifies with <paramref name="verifier"/> and has not expired (its signed
    /// <c>exp</c> is the borrow's end, with the verifier's clock tolerance); otherwise null. A token without an expiry
    /// (a lease that was never borrowed) is not good offline.
    /// </summary>
    public VerifiedToken? TryLoadToken(LicenseVerifier verifier)
    {
        if (verifier is null)
        {
            throw new ArgumentNullException(nameof(verifier));
        }

        string text;
        try
        {
            text = File.ReadAllText(_path + ".token");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        try
        {
            var token = verifier.VerifyToken(text.Trim());
            return token.ExpiresAt is { } end && _clock.GetUtcNow() < end + verifier.ClockSkew ? token : null;
        }
        catch (LicensingException)
        {
            return null;
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
