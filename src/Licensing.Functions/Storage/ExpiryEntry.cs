namespace Licensing.Storage;

/// <summary>
/// An expiry-index entry: "look at this seat at <see cref="DueAt"/>". Written when a lease is granted and when a
/// seat ends; heartbeats never touch it: the timer moves an entry lazily when it comes due and the seat lives on.
/// </summary>
public sealed record ExpiryEntry(DateTimeOffset DueAt, string LicenseId, string SeatRow, string TokenId)
{
    public ETag ETag { get; init; }

    public string PartitionKey => TableKeys.ExpiryPartition(DueAt);
    public string RowKey => TableKeys.ExpiryRow(DueAt, LicenseId, SeatRow, TokenId);

    public static ExpiryEntry FromEntity(TableEntity e) =>
        new(e.GetDateTimeOffset(nameof(DueAt)) ?? DateTimeOffset.UnixEpoch,
            e.GetString(nameof(LicenseId)) ?? "",
            e.GetString(nameof(SeatRow)) ?? "",
            e.GetString(nameof(TokenId)) ?? "")
        { ETag = e.ETag };

    public TableEntity ToEntity() => new(PartitionKey, RowKey)
    {
        [nameof(DueAt)] = DueAt,
        [nameof(LicenseId)] = LicenseId,
        [nameof(SeatRow)] = SeatRow,
        [nameof(TokenId)] = TokenId,
    };
}
