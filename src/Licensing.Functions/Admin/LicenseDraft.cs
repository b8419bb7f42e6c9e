namespace Licensing.Admin;

/// <summary>The terms of an admin create or patch, as read and checked; <c>Has*</c> tells a patch what to change.</summary>
public sealed partial record LicenseDraft
{
    public const int MaxFeatures = 100;
    public const int MaxFeatureLength = 64;
    public const int MaxCustomerName = 256;
    public const int MaxProductId = 64;
    public const int MinUserKey = 20;
    public const int MinDistinctUserKeyCharacters = 10;
    public const int MaxUserKey = 128;

    public LicensingMode? Mode { get; init; }
    public int? MaxClientCount { get; init; }
    public int? OverageSeats { get; init; }
    public int? MaxTransfers { get; init; }
    public string? ProductId { get; init; }
    public DateTimeOffset? ExpireAt { get; init; }
    public bool HasExpireAt { get; init; }
    public DateTimeOffset? SupportExpireAt { get; init; }
    public bool HasSupportExpireAt { get; init; }
    public TimeSpan? HeartbeatInterval { get; init; }
    public TimeSpan? GracePeriod { get; init; }
    public TimeSpan? MaxBorrowDuration { get; init; }
    public string? CustomerName { get; init; }
    public bool HasCustomerName { get; init; }
    /// <summary>The entitlements to grant (the <c>features</c> shorthand merged in); null to keep them.</summary>
    public IReadOnlyList<Entitlement>? Entitlements { get; init; }

    /// <summary>False when only <c>features</c> named them: a code named again keeps its stored value and expiry.</summary>
    public bool HasEntitlementsField { get; init; }
    public string? UserKey { get; init; }

    /// <summary>The meters (replacing all of them); null to keep them.</summary>
    public IReadOnlyList<Meter>? Meters { get; init; }

    /// <summary>The policy whose terms a create copies; the draft's own fields win.</summary>
    public string? PolicyId { get; init; }
    public bool? Portal { get; init; }
    public bool? Suspended { get; init; }
    public bool? Revoked { get; init; }

    public static bool IsProductId(string value) => ProductIdPattern().IsMatch(value);

    /// <summary>
    /// A custom user key: without control characters or surrounding spaces, and too varied to guess. The license id is an
    /// unkeyed hash of the user key that every token and document carries, so a short or repetitive key can be searched
    /// for offline; 20 characters of at least 10 different ones put even a lowercase-and-digits key past 2^80 guesses.
    /// Licenses created with shorter keys before this rule keep working: it applies only to new keys.
    /// </summary>
    public static bool IsUserKey(string value) =>
        value.Length is >= MinUserKey and <= MaxUserKey && !value.Any(char.IsControl) && value.Trim() == value
        && value.Distinct().Count() >= MinDistinctUserKeyCharacters;

    /// <summary>The license's terms with this patch's changes applied.</summary>
    public void ApplyTo(Storage.LicenseRow license)
    {
        license.MaxClientCount = MaxClientCount ?? license.MaxClientCount;
        license.OverageSeats = OverageSeats ?? license.OverageSeats;
        license.MaxTransfers = MaxTransfers ?? license.MaxTransfers;
        license.ExpireAt = HasExpireAt ? ExpireAt : license.ExpireAt;
        license.SupportExpireAt = HasSupportExpireAt ? SupportExpireAt : license.SupportExpireAt;
        license.HeartbeatInterval = HeartbeatInterval ?? license.HeartbeatInterval;
        license.GracePeriod = GracePeriod ?? license.GracePeriod;
        license.MaxBorrowDuration = MaxBorrowDuration ?? license.MaxBorrowDuration;
        license.CustomerName = HasCustomerName ? CustomerName : license.CustomerName;
        license.Entitlements = Entitlements is null ? license.Entitlements
            : HasEntitlementsField ? Entitlements
            : Entitlements.Select(e => license.Entitlements.FirstOrDefault(kept => kept.Code == e.Code) ?? e).ToArray();
        license.Meters = Meters ?? license.Meters;
        license.Portal = Portal ?? license.Portal;
        license.Suspended = Suspended ?? license.Suspended;
        license.Revoked = Revoked ?? license.Revoked;
    }

    [GeneratedRegex("^[a-z0-9-]{1,64}$")]
    private static partial Regex ProductIdPattern();
}
