namespace Licensing.Http;

/// <summary>Reads and checks the body of an admin license create or patch into a <see cref="LicenseDraft"/>.</summary>
public static class LicenseDraftReader
{
    /// <summary>What a create may name.</summary>
    public static readonly IReadOnlyList<string> CreateFields =
        ["licensingMode", "maxClientCount", "productId", "expireAt", "supportExpireAt", "heartbeatInterval", "gracePeriod", "maxBorrowDuration", "customerName", "features", "entitlements", "userKey", "policyId", "overageSeats", "maxTransfers", "meters", "portal"];

    /// <summary>What a patch may name (licensingMode, productId and userKey are named to be refused as fixed).</summary>
    public static readonly IReadOnlyList<string> PatchFields =
        ["maxClientCount", "expireAt", "supportExpireAt", "heartbeatInterval", "gracePeriod", "maxBorrowDuration", "customerName", "features", "entitlements", "suspended", "revoked", "licensingMode", "productId", "userKey", "overageSeats", "maxTransfers", "meters", "portal"];

    public static LicenseDraft ForCreate(JsonFields fields, DateTimeOffset now)
    {
        var common = Common(fields);
        if (common.ExpireAt is { } expireAt && expireAt <= now)
        {
            fields.AddError("expireAt", "must be in the future.");
        }

        // A policy supplies the mode and the seats when the body does not.
        var policyId = fields.Text("policyId", 128);
        var mode = fields.WholeNumber("licensingMode", 0, 2, required: !fields.Has("policyId"));
        var maxClientCount = fields.WholeNumber("maxClientCount", 1, LicenseRules.MaxSeats, required: !fields.Has("policyId"));
        var productId = fields.Text("productId", LicenseDraft.MaxProductId);
        if (productId is not null && !LicenseDraft.IsProductId(productId))
        {
            fields.AddError("productId", "must be 1 to 64 of a-z, 0-9 and '-'.");
        }

        var userKey = fields.Text("userKey", LicenseDraft.MaxUserKey);
        if (userKey is not null && !LicenseDraft.IsUserKey(userKey))
        {
            fields.AddError("userKey", "must be 20 to 128 characters with at least 10 different ones, without control characters or surrounding spaces.");
        }

        fields.RefuseUnknown(CreateFields);
        return common with
        {
            Mode = mode is { } m ? (LicensingMode)m : null,
            MaxClientCount = maxClientCount,
            ProductId = productId,
            UserKey = userKey,
            PolicyId = policyId,
        };
    }

    public static LicenseDraft ForPatch(JsonFields fields)
    {
        var common = Common(fields);
        var maxClientCount = fields.WholeNumber("maxClientCount", 1, LicenseRules.MaxSeats);
        var suspended = fields.Flag("suspended");
        var revoked = fields.Flag("revoked");
        foreach (var fixedField in new[] { "licensingMode", "productId", "userKey" })
        {
            if (fields.Has(fixedField))
            {
                fields.AddError(fixedField, "cannot be changed; create a new license instead.");
            }
        }

        fields.RefuseUnknown(PatchFields);
        return common with { MaxClientCount = maxClientCount, Suspended = suspended, Revoked = revoked };
    }

    /// <summary>The fields a create and a patch share, read in the order their errors are listed.</summary>
    private static LicenseDraft Common(JsonFields fields) => new()
    {
        HasExpireAt = fields.Has("expireAt"),
        ExpireAt = fields.Timestamp("expireAt"),
        HasSupportExpireAt = fields.Has("supportExpireAt"),
        SupportExpireAt = fields.Timestamp("supportExpireAt"),
        HeartbeatInterval = fields.Duration("heartbeatInterval", LicenseRules.MinHeartbeatInterval, LicenseRules.MaxHeartbeatInterval),
        GracePeriod = fields.Duration("gracePeriod", TimeSpan.Zero, LicenseRules.MaxGracePeriod),
        MaxBorrowDuration = fields.Duration("maxBorrowDuration", TimeSpan.Zero, LicenseRules.MaxBorrowDuration),
        HasCustomerName = fields.Has("customerName"),
        CustomerName = fields.Text("customerName", LicenseDraft.MaxCustomerName),
        Entitlements = EntitlementReader.Merge(
            fields,
            fields.StringArray("features", LicenseDraft.MaxFeatures, LicenseDraft.MaxFeatureLength),
            EntitlementReader.Read(fields)),
        HasEntitlementsField = fields.Has(EntitlementReader.Field),
        OverageSeats = fields.WholeNumber("overageSeats", 0, LicenseRules.MaxSeats),
        MaxTransfers = fields.WholeNumber("maxTransfers", 0, SeatTerms.MaxTransfers),
        Meters = MeterReader.Read(fields),
        Portal = fields.Flag("portal"),
    };
}
