namespace Licensing.Offline;

/// <summary>An activation request as the air-gapped app wrote it (<c>lsreq1.</c>), its fields checked.</summary>
public sealed record OfflineRequest(string? ProductId, string UserKey, string MachineId, string? ClientName, string RequestId, DateTimeOffset CreatedAt);

/// <summary>A deactivation proof (<c>lsdea1.</c>): the app deleted the activation that answered <see cref="RequestId"/>.</summary>
public sealed record DeactivationProof(string LicenseId, string MachineId, string RequestId, long At, byte[] Mac);

/// <summary>The texts that cross the air gap: their prefixes, limits and the proof's MAC.</summary>
public static class OfflineTexts
{
    public const string RequestPrefix = "lsreq1.";
    public const string ResponsePrefix = "lsres1.";
    public const string ProofPrefix = "lsdea1.";

    /// <summary>The longest request or proof text read: its JSON holds a handful of fields of at most 256 characters.</summary>
    public const int MaxTextLength = 4096;

    /// <summary>A request id is at least 128 bits in base64url (22 characters), and at most 64 characters.</summary>
    public const int MinRequestId = 22;
    public const int MaxRequestId = 64;

    /// <summary>How far in the future a request's <c>createdAt</c> or a proof's <c>at</c> may be (clocks disagree).</summary>
    public static readonly TimeSpan ClockTolerance = TimeSpan.FromMinutes(5);

    /// <summary>A request older than this is refused: its answer would revive an intent nobody holds any more.</summary>
    public static readonly TimeSpan MaxRequestAge = TimeSpan.FromDays(7);

    public static bool IsRequestId(string value) =>
        value.Length is >= MinRequestId and <= MaxRequestId && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>A fresh secret for a response: 256 random bits in base64url.</summary>
    public static string NewDeactivationSecret() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>Whether the proof's MAC is the HMAC-SHA256 of <c>licenseId.machineId.requestId.at</c> under the response's secret.</summary>
    public static bool MacMatches(DeactivationProof proof, string deactivationSecret)
    {
        var signed = string.Create(CultureInfo.InvariantCulture, $"{proof.LicenseId}.{proof.MachineId}.{proof.RequestId}.{proof.At}");
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(deactivationSecret), Encoding.UTF8.GetBytes(signed));
        return CryptographicOperations.FixedTimeEquals(expected, proof.Mac);
    }
}
