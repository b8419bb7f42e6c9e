namespace Licensing.Client;

/// <summary>A right the license grants: a code, optionally a value (a JSON string, number or boolean) and an expiry.</summary>
public sealed class LicenseEntitlement
{
    public string Code { get; set; } = "";

    /// <summary>The value as the vendor gave it; read it typed with <see cref="EntitledTerms.TryGetEntitlementValue{T}"/>.</summary>
    public JsonElement? Value { get; set; }

    /// <summary>When the entitlement ends; null for as long as the license.</summary>
    public DateTimeOffset? ExpireAt { get; set; }
}

/// <summary>
/// Terms that carry entitlements: a verified license document, a verified token, or the license block of an answer.
/// For verified terms each entitlement's expiry counts at the moment of asking, with the clock and skew tolerance of the
/// verifier; an answer's license block lists what the server held in force when it answered.
/// </summary>
public abstract class EntitledTerms
{
    private TimeProvider? _clock;
    private TimeSpan _clockSkew;

    /// <summary>The entitlements in force when these terms were read or verified.</summary>
    public IReadOnlyList<LicenseEntitlement> Entitlements { get; set; } = [];

    /// <summary>Whether the license grants <paramref name="code"/> now (it is listed and has not expired).</summary>
    public bool HasEntitlement(string code) => Find(code) is not null;

    /// <summary>
    /// The value of an entitlement granted now, as <typeparamref name="T"/> (string, bool, int, long, double, decimal…);
    /// false when the license does not grant it, it has no value, or the value is not a <typeparamref name="T"/>.
    /// </summary>
    public bool TryGetEntitlementValue<T>(string code, out T value)
    {
        value = default!;
        if (Find(code)?.Value is not { } element)
        {
            return false;
        }

        try
        {
            if (element.Deserialize<T>(WireJson.Options) is { } typed)
            {
                value = typed;
                return true;
            }
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or FormatException)
        {
        }

        return false;
    }

    internal void EvaluateWith(TimeProvider clock, TimeSpan clockSkew)
    {
        _clock = clock;
        _clockSkew = clockSkew;
        Entitlements = Entitlements.Where(InForce).ToArray();
    }

    private LicenseEntitlement? Find(string code) =>
        Entitlements.FirstOrDefault(e => string.Equals(e.Code, code, StringComparison.Ordinal) && InForce(e));

    private bool InForce(LicenseEntitlement entitlement) =>
        _clock is null || entitlement.ExpireAt is not { } end || end > _clock.GetUtcNow() - _clockSkew;
}

/// <summary>An entitlement as signed documents and tokens carry it (its expiry in Unix seconds).</summary>
internal sealed class EntitlementClaim
{
    public string Code { get; set; } = "";
    public JsonElement? Value { get; set; }
    public long? ExpireAt { get; set; }

    public static IReadOnlyList<LicenseEntitlement> ToEntitlements(List<EntitlementClaim>? claims) =>
        (claims ?? []).Where(c => !string.IsNullOrEmpty(c.Code)).Select(c => new LicenseEntitlement
        {
            Code = c.Code,
            Value = c.Value is { ValueKind: not JsonValueKind.Null } v ? v : null,
            ExpireAt = c.ExpireAt is { } seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null,
        }).ToArray();
}
