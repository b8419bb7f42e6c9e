namespace Licensing.Client;

/// <summary>The answer of offline/activate: the response text to carry back to the air-gapped machine, or why not.</summary>
public sealed class OfflineActivateResponse
{
    public bool Success { get; set; }

    /// <summary>The signed response (<c>lsres1.</c>) for <see cref="OfflineActivation.ImportResponse"/>; null when denied.</summary>
    public string? Response { get; set; }

    /// <summary>The wire reason code of a denial, e.g. <c>seats_exhausted</c> or <c>offline_request_invalid</c>.</summary>
    [JsonPropertyName("reason")]
    public string? ReasonCode { get; set; }

    public string? Message { get; set; }

    [JsonIgnore]
    public LicenseReason? Reason => LicenseReasons.Parse(ReasonCode);
}

/// <summary>The answer of offline/deactivate: the seat counts once the proof verified, or why it freed nothing.</summary>
public sealed class OfflineDeactivateResponse
{
    public bool Success { get; set; }
    public string? LicenseId { get; set; }
    public int? ActiveClientCount { get; set; }
    public int? MaxClientCount { get; set; }

    [JsonPropertyName("reason")]
    public string? ReasonCode { get; set; }

    public string? Message { get; set; }

    [JsonIgnore]
    public LicenseReason? Reason => LicenseReasons.Parse(ReasonCode);
}
