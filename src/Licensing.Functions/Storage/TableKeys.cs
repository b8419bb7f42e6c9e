namespace Licensing.Storage;

/// <summary>
/// Every PartitionKey and RowKey formula, in one place.
/// <list type="bullet">
/// <item>Licenses table: a license, all its seats and its audit events share the partition <c>licenseId</c>; the
/// license row is <c>license</c>, a seat row is <c>seat|act|…</c> (one per machine) or <c>seat|lease|…</c> (one per
/// machine and client), an event row is <c>event|{generation}|{sequence}</c>, both inverted so events read newest
/// first (generation: the license's creation time, so a license deleted and created again starts a new run of
/// sequence numbers after the old). An ended-seat index row, <c>ended|{endedAt ticks}|{seat row}</c>, is written with
/// each seat's ending, so the oldest ended seats are a range read. Seat usage per UTC hour is <c>hour|yyyyMMddHH</c>
/// (written with each seat change of the hour) and <c>hour|yyyyMMddHH|denials|{instance}</c> (an instance's refusals
/// in that hour), so a span of hours is a range read. The prefixes sort
/// <c>answer|</c> (an offline request's answer) &lt; <c>ended|</c> &lt; <c>event|</c> &lt; <c>hour|</c> &lt; <c>license</c> &lt; <c>seat|</c>, so the license and its seats
/// are one row-key range.</item>
/// <item>Licenses table, metering: a meter's count is the row <c>meter|{code}</c> of its license's partition (inside the
/// license-and-seats range, so info and the admin view read it with them; never the license row, so recording use never
/// contends with seat grants); each recorded use's client-chosen id is the row <c>ledger|{eventId}</c>, created in the
/// transaction of the count (<c>ledger|</c> sorts between <c>hour|</c> and <c>license</c>, outside every other range).</item>
/// <item>Expiry index: partition = the UTC hour an entry comes due (<c>yyyyMMddHH</c>), row = <c>mmss|licenseId|seatRowKey|tokenId</c>.</item>
/// <item>API keys: partition <c>apikey</c>, row = the key's public id.</item>
/// <item>Webhooks table: webhooks in partition <c>webhook</c> (row = id); pending-event hints in <c>hint</c>
/// (row = <c>{table}|{partition}|{eventRow}</c>, the partition holding only what is pending); attempts due in <c>due</c>
/// (row = <c>{dueTicks}|{webhookId}|{deliveryId}|{attempt}</c>); each webhook's delivery log in <c>log|{webhookId}</c>
/// (row = <c>{deliveryId}|{inverted attempt}</c>, newest delivery first).</item>
/// <item>License catalog: partition <c>license</c>, row = the license id (a listing hint per license).</item>
/// <item>Licenses table, policies: partition <c>policy|{productId}</c>, row = the policy id (<c>pol_{productId}_{random}</c>,
/// so a policy's id names its partition); the product's trial policy also holds the row <c>trial</c> of that partition,
/// created with the policy (a second trial policy of the product fails to create it).</item>
/// <item>Licenses table, trials: partition <c>trial|{productId}</c>, row = the machine's hash: which license is the
/// machine's trial of the product, ever.</item>
/// </list>
/// </summary>
public static class TableKeys
{
    public const string LicenseRow = "license";
    public const string SeatPrefix = "seat|";
    public const string EventPrefix = "event|";

    /// <summary>Every event row of a partition sorts below this key ('}' follows '|').</summary>
    public const string EventRowsEnd = "event}";
    public const string ApiKeyPartition = "apikey";
    public const string CheckpointPartition = "checkpoint";
    public const string ExpiryCheckpointRow = "expire-lapsed-tokens";

    public const string PolicyIdPrefix = "pol_";
    public const string TrialPolicyRow = "trial";

    public static string PolicyPartition(string productId) => "policy|" + productId;

    /// <summary>Every policy partition sorts from <see cref="PolicyPartitionsFrom"/> to below <see cref="PolicyPartitionsEnd"/>.</summary>
    public const string PolicyPartitionsFrom = "policy|";
    public const string PolicyPartitionsEnd = "policy}";

    /// <summary>Every policy row of a partition sorts from the id prefix to below this key ('`' follows '_').</summary>
    public const string PolicyRowsEnd = "pol`";

    public static string PolicyId(string productId, string random) => PolicyIdPrefix + productId + "_" + random;

    /// <summary>The product a well-formed policy id names, or null.</summary>
    public static string? ProductOfPolicy(string policyId)
    {
        if (!policyId.StartsWith(PolicyIdPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var separator = policyId.LastIndexOf('_');
        return separator > PolicyIdPrefix.Length ? policyId[PolicyIdPrefix.Length..separator] : null;
    }

    public static string TrialPartition(string productId) => "trial|" + productId;

    public static string TrialRow(string machineId) => Hash("trial-machine", machineId, 32);

    public static string LicensesTable(string prefix) => prefix + "Licenses";
    public static string ExpiryIndexTable(string prefix) => prefix + "LeaseExpiry";
    public static string ApiKeysTable(string prefix) => prefix + "ApiKeys";
    public static string WebhooksTable(string prefix) => prefix + "Webhooks";

    public const string WebhookPartition = "webhook";
    private static readonly System.Buffers.SearchValues<char> Base32Characters = System.Buffers.SearchValues.Create(Base32.Alphabet);
    public const string WebhookHintPartition = "hint";
    public const string WebhookDuePartition = "due";

    /// <summary>The table a hint's event lives in: a license's partition, or the API keys' partition.</summary>
    public const string HintLicensesTable = "L";
    public const string HintApiKeysTable = "K";

    /// <summary>A new webhook's public id, also its row key.</summary>
    public static string NewWebhookId() => "wh_" + Base32.Random(20);

    public static bool IsWebhookId(string id) =>
        id.Length == 23 && id.StartsWith("wh_", StringComparison.Ordinal) && id.AsSpan(3).IndexOfAnyExcept(Base32Characters) < 0;

    public static string WebhookLogPartition(string webhookId) => "log|" + webhookId;

    /// <summary>Attempts due at or before <paramref name="at"/> sort below this key.</summary>
    public static string WebhookRowsUpTo(DateTimeOffset at) =>
        string.Create(CultureInfo.InvariantCulture, $"{at.UtcTicks:D19}|~");

    /// <summary>
    /// A hint names its event, not its time: the attempts of concurrent changes to one license that built the same next
    /// event write one hint between them, so the event is delivered once, whichever attempt committed it.
    /// </summary>
    public static string WebhookHintRow(string table, string partition, string eventRow) => $"{table}|{partition}|{eventRow}";

    public static string WebhookDueRow(DateTimeOffset dueAt, string webhookId, string deliveryId, int attempt) =>
        string.Create(CultureInfo.InvariantCulture, $"{dueAt.UtcTicks:D19}|{webhookId}|{deliveryId}|{attempt:D6}");

    /// <summary>A new delivery's id: newer deliveries sort first in their webhook's log, random bits keep two apart.</summary>
    public static string NewDeliveryId(DateTimeOffset at) =>
        string.Create(CultureInfo.InvariantCulture, $"{DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks:D19}{Base32.Random(8)}");

    public static bool IsDeliveryId(string id) =>
        id.Length == 27 && id.AsSpan(0, 19).IndexOfAnyExceptInRange('0', '9') < 0 && id.AsSpan(19).IndexOfAnyExcept(Base32Characters) < 0;

    public static string WebhookLogRow(string deliveryId, int attempt) =>
        string.Create(CultureInfo.InvariantCulture, $"{deliveryId}|{int.MaxValue - attempt:D10}");

    /// <summary>Every log row of one delivery sorts strictly between these two keys ('}' follows '|').</summary>
    public static (string After, string Before) WebhookLogRowsOf(string deliveryId) => (deliveryId + "|", deliveryId + "}");

    public static string DeliveryIdOf(string logRow) => logRow[..logRow.IndexOf('|', StringComparison.Ordinal)];

    /// <summary>
    /// The id a webhook receiver sees for an audit event: unique across licenses (an event row key is unique only
    /// within its partition) and the same on every delivery and redelivery, so receivers can deduplicate.
    /// </summary>
    public static string WebhookEventId(string partition, string eventRow) => "evt_" + Hash("webhook-event", partition + "\n" + eventRow, 26);

    public static string CatalogTable(string prefix) => prefix + "LicenseCatalog";

    public const string CatalogPartition = "license";

    /// <summary>A customer name as the catalog compares it for a prefix search: case ignored.</summary>
    public static string CatalogNameKey(string? customerName) => (customerName ?? "").ToLowerInvariant();

    /// <summary>Every name key starting with <paramref name="prefix"/> (not empty) sorts below this one.</summary>
    public static string CatalogNamePrefixEnd(string prefix) => prefix[..^1] + (char)(prefix[^1] + 1);

    /// <summary>
    /// The license id is derived from its user key, so a client call finds its partition without a lookup;
    /// the hash is one-way, so a license id reveals nothing of the user key.
    /// </summary>
    public static string LicenseId(string userKey) => "lic_" + Hash("user-key", userKey, 26);

    /// <summary>
    /// The answer to an offline activation request, in its license's partition: <c>answer|{requestId}</c> sorts before
    /// every other row of the partition, so no range read of seats, events or usage meets it.
    /// </summary>
    public static string OfflineAnswerRow(string requestId) => "answer|" + requestId;

    public static string ActivationRow(string machineId) => ActivationPrefix + Hash("machine", machineId, 32);

    public static string LeaseRow(string machineId, string clientId) =>
        LeasePrefix + Hash("lease", machineId + "\n" + clientId, 32);

    public static bool IsSeatRow(string rowKey) => rowKey.StartsWith(SeatPrefix, StringComparison.Ordinal);

    public static bool IsLeaseRow(string rowKey) => rowKey.StartsWith(LeasePrefix, StringComparison.Ordinal);

    public static bool IsActivationRow(string rowKey) => rowKey.StartsWith(ActivationPrefix, StringComparison.Ordinal);

    /// <summary>Every seat row of a partition sorts below this key ('}' follows '|').</summary>
    public const string SeatRowsEnd = "seat}";

    /// <summary>Every lease row of a partition sorts strictly between these two keys ('}' follows '|').</summary>
    public const string LeaseRowsAfter = LeasePrefix;
    public const string LeaseRowsBefore = SeatPrefix + "lease}";

    private const string LeasePrefix = SeatPrefix + "lease|";
    private const string ActivationPrefix = SeatPrefix + "act|";

    /// <summary>
    /// A seat's ending in the license's ended-seat index: its time first (not inverted), so the oldest endings are
    /// the first rows of the range <see cref="EndedRowsAfter"/> to <see cref="EndedRowsBefore"/>.
    /// </summary>
    public static string EndedRow(DateTimeOffset endedAt, string seatRowKey) =>
        string.Create(CultureInfo.InvariantCulture, $"{EndedPrefix}{endedAt.UtcTicks:D19}|{seatRowKey}");

    /// <summary>Every ended-seat index row of a partition sorts strictly between these two keys ('}' follows '|').</summary>
    public const string EndedRowsAfter = EndedPrefix;
    public const string EndedRowsBefore = "ended}";

    private const string EndedPrefix = "ended|";

    /// <summary>A license's seat usage in the UTC hour starting at <paramref name="hour"/>.</summary>
    public static string UsageRow(DateTimeOffset hour) =>
        string.Create(CultureInfo.InvariantCulture, $"{UsagePrefix}{hour.UtcDateTime:yyyyMMddHH}");

    /// <summary>One instance's count of refused seats in the hour (each instance writes only its own).</summary>
    public static string UsageDenialsRow(DateTimeOffset hour, string instanceId) => UsageRow(hour) + "|denials|" + instanceId;

    /// <summary>The units of one meter recorded in the hour (written with each recording of the hour).</summary>
    public static string UsageMeterRow(DateTimeOffset hour, string code) => UsageRow(hour) + UsageMeterInfix + code;

    public static bool IsUsageMeterRow(string rowKey) => rowKey.Contains(UsageMeterInfix, StringComparison.Ordinal);

    private const string UsageMeterInfix = "|meter|";

    public static bool IsUsageRow(string rowKey) => rowKey.StartsWith(UsagePrefix, StringComparison.Ordinal);

    public static bool IsUsageDenialsRow(string rowKey) => rowKey.Contains("|denials|", StringComparison.Ordinal);

    /// <summary>The hour a usage row (or denials row) is of, or null when the key is not one.</summary>
    public static DateTimeOffset? HourOfUsageRow(string rowKey) =>
        rowKey.StartsWith(UsagePrefix, StringComparison.Ordinal) && rowKey.Length >= UsagePrefix.Length + 10
            && DateTime.TryParseExact(rowKey.AsSpan(UsagePrefix.Length, 10), "yyyyMMddHH", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var hour)
            ? new DateTimeOffset(hour, TimeSpan.Zero)
            : null;

    /// <summary>Every usage row of a partition sorts strictly between these two keys ('}' follows '|').</summary>
    public const string UsageRowsAfter = UsagePrefix;
    public const string UsageRowsBefore = "hour}";

    private const string UsagePrefix = "hour|";

    /// <summary>A license's count of one meter.</summary>
    public static string MeterRow(string code) => MeterPrefix + code;

    public static bool IsMeterRow(string rowKey) => rowKey.StartsWith(MeterPrefix, StringComparison.Ordinal);

    /// <summary>Every meter row of a partition sorts strictly between these two keys ('}' follows '|').</summary>
    public const string MeterRowsAfter = MeterPrefix;
    public const string MeterRowsBefore = "meter}";

    private const string MeterPrefix = "meter|";

    /// <summary>A recorded use, by the id its client chose (unique per license): a second use with the id is a retry.</summary>
    public static string LedgerRow(string eventId) => LedgerPrefix + eventId;

    /// <summary>Every ledger row of a partition sorts strictly between these two keys ('}' follows '|').</summary>
    public const string LedgerRowsAfter = LedgerPrefix;
    public const string LedgerRowsBefore = "ledger}";

    private const string LedgerPrefix = "ledger|";

    public static bool IsEndedRow(string rowKey) => rowKey.StartsWith(EndedPrefix, StringComparison.Ordinal);

    public static bool IsEventRow(string rowKey) => rowKey.StartsWith(EventPrefix, StringComparison.Ordinal);

    /// <summary>
    /// An audit event's row, two numbers both inverted. A license's event: the license's creation, then its event
    /// sequence number (every event rides with a write of the license row under its ETag, so the sequence follows
    /// commit order exactly). An API key's event: its time, then a tie-breaker.
    /// </summary>
    public static string EventRow(DateTimeOffset generation, long sequence) =>
        string.Create(CultureInfo.InvariantCulture, $"{EventPrefix}{EventId(generation, sequence)}");

    /// <summary>
    /// An API key's event. Keys have no row to number their events by, so these are ordered by time, and within one
    /// tick by the instance's count of key events, with random low bits to keep two instances' rows apart.
    /// </summary>
    public static string ApiKeyEventRow(DateTimeOffset at, long instanceCount, int random24Bits) =>
        EventRow(at, (instanceCount << 24) + (random24Bits & 0xFFFFFF));

    /// <summary>The public id of an event row: its row key without the prefix, also the token of the page after it.</summary>
    public static string EventIdOf(string eventRowKey) => eventRowKey[EventPrefix.Length..];

    /// <summary>The row key an event page starts after: the first event, or the event a continuation token names.</summary>
    public static string EventRowsAfter(string? eventId) => eventId is null ? EventPrefix : EventPrefix + eventId;

    /// <summary>The public id of an event: its row key without the prefix, also the token of the page after it.</summary>
    public static string EventId(DateTimeOffset generation, long sequence) =>
        string.Create(CultureInfo.InvariantCulture, $"{DateTimeOffset.MaxValue.UtcTicks - generation.UtcTicks:D19}|{long.MaxValue - sequence:D19}");

    /// <summary>A license event's sequence number, read back from its row key.</summary>
    public static long EventSequenceOf(string eventRowKey) =>
        long.MaxValue - long.Parse(eventRowKey.AsSpan(eventRowKey.Length - 19), NumberStyles.None, CultureInfo.InvariantCulture);

    public static bool IsEventId(string id) =>
        id.Length == 39 && id[19] == '|' && id.AsSpan(0, 19).IndexOfAnyExceptInRange('0', '9') < 0 && id.AsSpan(20).IndexOfAnyExceptInRange('0', '9') < 0;

    /// <summary>A machine's fingerprint carried inside tokens, to spot a token used on another machine without a read.</summary>
    public static string MachineHash(string machineId) => Hash("machine", machineId, 32);

    public static string ExpiryPartition(DateTimeOffset dueAt) =>
        dueAt.UtcDateTime.ToString("yyyyMMddHH", CultureInfo.InvariantCulture);

    public static DateTimeOffset ExpiryPartitionStart(string partition) =>
        DateTimeOffset.ParseExact(partition, "yyyyMMddHH", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    public static string ExpiryRow(DateTimeOffset dueAt, string licenseId, string seatRow, string tokenId) =>
        string.Create(CultureInfo.InvariantCulture, $"{dueAt.UtcDateTime:mmss}|{licenseId}|{seatRow}|{tokenId}");

    /// <summary>Every row of an expiry partition sorts below this key (an hour wholly past is read to its end).</summary>
    public const string ExpiryRowsEnd = "~";

    /// <summary>Rows of an expiry partition that are due at <paramref name="now"/> sort below this key.</summary>
    public static string ExpiryRowUpperBound(DateTimeOffset now) =>
        string.Create(CultureInfo.InvariantCulture, $"{now.UtcDateTime:mmss}|{ExpiryRowsEnd}");

    /// <summary>A trial's user key: the same for a (product, machine) pair on every instance, unguessable without the secret.</summary>
    public static string TrialUserKey(byte[] secret, string productId, string machineId)
    {
        var code = Base32.Encode(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(productId + "\n" + machineId))).ToUpperInvariant();
        return string.Join('-', Enumerable.Range(0, 5).Select(i => code.Substring(i * 5, 5)));
    }

    private static string Hash(string purpose, string value, int length)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes("licensing:" + purpose + ":" + value));
        return Base32.Encode(bytes)[..length];
    }
}
