namespace Licensing.Http;

/// <summary>Reads and checks the body of an admin policy create or patch into a <see cref="PolicyDraft"/>.</summary>
public static class PolicyDraftReader
{
    public static readonly IReadOnlyList<string> CreateFields =
        ["name", "productId", "licensingMode", "maxClientCount", "duration", "supportDuration", "heartbeatInterval", "gracePeriod", "maxBorrowDuration", "features", "entitlements", "trial", "overageSeats", "maxTransfers", "meters", "portal"];

    /// <summary>What a patch may name (productId is named to be refused as fixed).</summary>
    public static readonly IReadOnlyList<string> PatchFields = CreateFields;

    public static PolicyDraft ForCreate(JsonFields fields)
    {
        var name = fields.Text("name", PolicyDraft.MaxName, required: true);
        var productId = fields.Text("productId", LicenseDraft.MaxProductId);
        if (productId is not null && !LicenseDraft.IsProductId(productId))
        {
            fields.AddError("productId", "must be 1 to 64 of a-z, 0-9 and '-'.");
        }

        var mode = fields.WholeNumber("licensingMode", 0, 2, required: true);
        var maxClientCount = fields.WholeNumber("maxClientCount", 1, LicenseRules.MaxSeats, required: true);
        var draft = Common(fields) with
        {
            Name = name,
            ProductId = productId,
            Mode = mode is { } m ? (LicensingMode)m : null,
            MaxClientCount = maxClientCount,
        };
        if (draft.MaxClientCount is { } seats && draft.OverageSeats is { } overage && SeatTerms.OverageProblem(seats, overage) is { } problem)
        {
            fields.AddError("overageSeats", problem);
        }

        if (draft.Mode is { } known && PolicyDraft.Inconsistency(known, draft.Trial ?? false, draft.Duration) is var (field, message))
        {
            fields.AddError(field, message);
        }

        fields.RefuseUnknown(CreateFields);
        return draft;
    }

    public static PolicyDraft ForPatch(JsonFields fields)
    {
        var name = fields.Text("name", PolicyDraft.MaxName);
        var mode = fields.WholeNumber("licensingMode", 0, 2);
        var maxClientCount = fields.WholeNumber("maxClientCount", 1, LicenseRules.MaxSeats);
        if (fields.Has("productId"))
        {
            fields.AddError("productId", "cannot be changed; create a new policy instead.");
        }

        fields.RefuseUnknown(PatchFields);
        return Common(fields) with { Name = name, Mode = mode is { } m ? (LicensingMode)m : null, MaxClientCount = maxClientCount };
    }

    private static PolicyDraft Common(JsonFields fields) => new()
    {
        HasDuration = fields.Has("duration"),
        Duration = fields.Duration("duration", TimeSpan.FromSeconds(1), PolicyDraft.MaxDuration),
        HasSupportDuration = fields.Has("supportDuration"),
        SupportDuration = fields.Duration("supportDuration", TimeSpan.FromSeconds(1), PolicyDraft.MaxDuration),
        HasHeartbeatInterval = fields.Has("heartbeatInterval"),
        HeartbeatInterval = fields.Duration("heartbeatInterval", LicenseRules.MinHeartbeatInterval, LicenseRules.MaxHeartbeatInterval),
        GracePeriod = fields.Duration("gracePeriod", TimeSpan.Zero, LicenseRules.MaxGracePeriod),
        MaxBorrowDuration = fields.Duration("maxBorrowDuration", TimeSpan.Zero, LicenseRules.MaxBorrowDuration),
        Entitlements = EntitlementReader.Merge(
            fields,
            fields.StringArray("features", LicenseDraft.MaxFeatures, LicenseDraft.MaxFeatureLength),
            EntitlementReader.Read(fields)),
        Trial = fields.Flag("trial"),
        OverageSeats = fields.WholeNumber("overageSeats", 0, LicenseRules.MaxSeats),
        MaxTransfers = fields.WholeNumber("maxTransfers", 0, SeatTerms.MaxTransfers),
        Meters = MeterReader.Read(fields),
        Portal = fields.Flag("portal"),
    };
}
