namespace Licensing.Domain;

/// <summary>
/// A right a license grants: a code, optionally a value (kept as its JSON text: a string, number or boolean) and an
/// expiry after which it is no longer granted. A feature of the <c>features</c> shorthand is an entitlement without
/// value or expiry.
/// </summary>
public sealed partial record Entitlement(string Code, string? ValueJson = null, DateTimeOffset? ExpireAt = null)
{
    public const int MaxCount = 100;
    public const int MaxCodeLength = 64;
    public const int MaxStringValue = 256;

    /// <summary>
    /// The most the entitlements of one license may take as JSON: every seat token carries them, and a token must fit
    /// the client calls' token limit with room to spare.
    /// </summary>
    public const int MaxJsonBytes = 16 * 1024;

    public static bool IsCode(string value) => CodePattern().IsMatch(value);

    /// <summary>Granted at <paramref name="now"/>: no expiry, or one still ahead.</summary>
    public bool InForceAt(DateTimeOffset now) => ExpireAt is not { } end || end > now;

    /// <summary>The entitlements granted at <paramref name="now"/>, in their order.</summary>
    public static IReadOnlyList<Entitlement> InForce(IReadOnlyList<Entitlement> entitlements, DateTimeOffset now) =>
        entitlements.All(e => e.InForceAt(now)) ? entitlements : entitlements.Where(e => e.InForceAt(now)).ToArray();

    [GeneratedRegex("^[a-z0-9._-]{1,64}$")]
    private static partial Regex CodePattern();
}
