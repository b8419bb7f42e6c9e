using System.Text.RegularExpressions;
using Licensing.Domain;
using Licensing.Http;

namespace Licensing.Admin;

/// <summary>The fields of an admin create or patch, read and checked; <c>Has*</c> tells a patch what to change.</summary>
public sealed partial class LicenseDraft
{
    public const int MaxFeatures = 100;

    public LicensingMode? Mode { get; private set; }
    public int? MaxClientCount { get; private set; }
    public string? ProductId { get; private set; }
    public DateTimeOffset? ExpireAt { get; private set; }
    public bool HasExpireAt { get; private set; }
    public DateTimeOffset? SupportExpireAt { get; private set; }
    public bool HasSupportExpireAt { get; private set; }
    public TimeSpan? HeartbeatInterval { get; private set; }
    public string? CustomerName { get; private set; }
    public bool HasCustomerName { get; private set; }
    public IReadOnlyList<string>? Features { get; private set; }
    public string? UserKey { get; private set; }
    public bool? Suspended { get; private set; }
    public bool? Revoked { get; private set; }

    public static LicenseDraft ForCreate(JsonFields fields, DateTimeOffset now)
    {
        var draft = Common(fields);
        if (draft.ExpireAt is { } expireAt && expireAt <= now)
        {
            fields.AddError("expireAt", "must be in the future.");
        }

        var mode = fields.WholeNumber("licensingMode", 0, 2, required: true);
        draft.Mode = mode is { } m ? (LicensingMode)m : null;
        draft.MaxClientCount = fields.WholeNumber("maxClientCount", 1, LicenseRules.MaxSeats, required: true);
        draft.ProductId = fields.Text("productId", 64);
        if (draft.ProductId is { } product && !IsProductId(product))
        {
            fields.AddError("productId", "must be 1 to 64 of a-z, 0-9 and '-'.");
        }

        draft.UserKey = fields.Text("userKey", 128);
        if (draft.UserKey is { } key && (key.Length < 8 || key.Any(char.IsControl) || key.Trim() != key))
        {
            fields.AddError("userKey", "must be 8 to 128 characters, without control characters or surrounding spaces.");
        }

        return draft;
    }

    public static LicenseDraft ForPatch(JsonFields fields)
    {
        var draft = Common(fields);
        draft.MaxClientCount = fields.WholeNumber("maxClientCount", 1, LicenseRules.MaxSeats);
        draft.Suspended = fields.Flag("suspended");
        draft.Revoked = fields.Flag("revoked");
        foreach (var fixedField in new[] { "licensingMode", "productId", "userKey" })
        {
            if (fields.Has(fixedField))
            {
                fields.AddError(fixedField, "cannot be changed; create a new license instead.");
            }
        }

        return draft;
    }

    private static LicenseDraft Common(JsonFields fields)
    {
        var draft = new LicenseDraft
        {
            HasExpireAt = fields.Has("expireAt"),
            ExpireAt = fields.Timestamp("expireAt"),
            HasSupportExpireAt = fields.Has("supportExpireAt"),
            SupportExpireAt = fields.Timestamp("supportExpireAt"),
            HeartbeatInterval = fields.Duration("heartbeatInterval", LicenseRules.MinHeartbeatInterval, LicenseRules.MaxHeartbeatInterval),
            HasCustomerName = fields.Has("customerName"),
            CustomerName = fields.Text("customerName", 256),
            Features = fields.StringArray("features", MaxFeatures, 64),
        };
        return draft;
    }

    public static bool IsProductId(string value) => ProductIdPattern().IsMatch(value);

    [GeneratedRegex("^[a-z0-9-]{1,64}$")]
    private static partial Regex ProductIdPattern();
}
