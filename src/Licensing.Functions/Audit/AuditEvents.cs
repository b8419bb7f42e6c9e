namespace Licensing.Audit;

/// <summary>What an audit event records: every admin change and every seat grant, end, lapse and revocation.</summary>
public static class AuditEventTypes
{
    public const string LicenseCreated = "license.created";
    public const string LicenseUpdated = "license.updated";
    public const string LicenseDeleted = "license.deleted";
    public const string SeatActivated = "seat.activated";
    public const string SeatDeactivated = "seat.deactivated";
    public const string SeatGranted = "seat.granted";
    public const string SeatReleased = "seat.released";
    public const string SeatLapsed = "seat.lapsed";
    public const string SeatRevoked = "seat.revoked";
    public const string SeatBorrowed = "seat.borrowed";
    public const string UsageLimitReached = "usage.limit_reached";
    public const string MeterReset = "meter.reset";
    public const string ApiKeyCreated = "apikey.created";
    public const string ApiKeyDeleted = "apikey.deleted";
    public const string PortalSignedIn = "portal.signed_in";
}

/// <summary>Builds the event rows that ride in the transaction of the change they record.</summary>
public static class AuditEvents
{
    /// <summary>The actor of what the server does on its own: a lease that lapsed.</summary>
    public const string ServerActor = "server";

    private static long _apiKeyEvents;

    /// <summary>Whether the event records a seat granted (an activation or a lease), as seat usage counts grants.</summary>
    public static bool IsGrant(AuditEventRow e) => e.Type is AuditEventTypes.SeatActivated or AuditEventTypes.SeatGranted;

    /// <summary>An API key created or deleted (ordered as <see cref="TableKeys.ApiKeyEventRow"/> says).</summary>
    public static AuditEventRow ApiKey(string type, ApiKeyRow key, DateTimeOffset at, Caller caller) => new()
    {
        PartitionKey = TableKeys.ApiKeyPartition,
        RowKey = TableKeys.ApiKeyEventRow(at, Interlocked.Increment(ref _apiKeyEvents), RandomNumberGenerator.GetInt32(1 << 24)),
        Type = type,
        At = at,
        Actor = caller.KeyId,
        ClientAddr = caller.ClientAddr,
        ApiKeyId = key.Id,
        Changes = type == AuditEventTypes.ApiKeyCreated
            ? JsonSerializer.Serialize(new ApiKeyTerms(key.Name, key.Scope, key.ProductId), ApiJson.Wire.ApiKeyTerms)
            : null,
    };

    /// <summary>An event of a seat change; takes the license's next event number, so build it after the change.</summary>
    public static AuditEventRow Seat(string type, LicenseRow license, SeatRow seat, DateTimeOffset at, Caller caller) =>
        Seat(type, license, seat, at, caller.KeyId, caller.ClientAddr);

    /// <summary>The license's owner signed in to the portal, from an address; takes the license's next event number.</summary>
    public static AuditEventRow SignedIn(LicenseRow license, DateTimeOffset at, Caller customer) => new()
    {
        PartitionKey = license.LicenseId,
        RowKey = TableKeys.EventRow(license.IssuedAt, ++license.EventSequence),
        Type = AuditEventTypes.PortalSignedIn,
        At = at,
        Actor = customer.KeyId,
        ClientAddr = customer.ClientAddr,
    };

    /// <summary>A lease that lapsed: ended by the timer or by a grant that needed its place.</summary>
    public static AuditEventRow Lapsed(LicenseRow license, SeatRow seat, DateTimeOffset at) =>
        Seat(AuditEventTypes.SeatLapsed, license, seat, at, ServerActor, clientAddr: null);

    /// <summary>
    /// A meter's event (its limit reached, its count reset): <c>changes</c> names the meter, its count and limit after the
    /// event, and the end of its period. Takes the license's next event number.
    /// </summary>
    public static AuditEventRow Meter(string type, LicenseRow license, string code, long used, long? limit, DateTimeOffset? periodEndsAt, DateTimeOffset at, string actor, string? clientAddr)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("meter", code);
            json.WriteNumber("used", used);
            json.WriteNumberOrNull("limit", limit);
            json.WritePropertyName("periodEndsAt");
            json.WriteTimestampValue(periodEndsAt);
            json.WriteEndObject();
        }

        return Next(license, type, at, actor, clientAddr) with { Changes = Encoding.UTF8.GetString(buffer.WrittenSpan) };
    }

    /// <summary>An event of a license change: <paramref name="after"/> is the row as it will be written.</summary>
    public static AuditEventRow License(string type, LicenseRow? before, LicenseRow after, DateTimeOffset at, Caller caller) =>
        Next(after, type, at, caller.KeyId, caller.ClientAddr) with { Changes = Changes(before, after) };

    /// <summary>An event of the license's partition, numbered with the license's next event number.</summary>
    private static AuditEventRow Next(LicenseRow license, string type, DateTimeOffset at, string actor, string? clientAddr) => new()
    {
        PartitionKey = license.LicenseId,
        RowKey = TableKeys.EventRow(license.IssuedAt, ++license.EventSequence),
        Type = type,
        At = at,
        Actor = actor,
        ClientAddr = clientAddr,
    };

    private static AuditEventRow Seat(string type, LicenseRow license, SeatRow seat, DateTimeOffset at, string actor, string? clientAddr) =>
        Next(license, type, at, actor, clientAddr) with
        {
            TokenId = seat.TokenId,
            MachineId = seat.MachineId,
            ClientId = seat.ClientId,
            ClientName = seat.ClientName,
            Overage = seat.Overage && type is AuditEventTypes.SeatActivated or AuditEventTypes.SeatGranted ? true : null,
        };

    /// <summary>
    /// The license's terms that differ from <paramref name="before"/> (all of them for a new license) as a JSON
    /// object, by their API names and in the API's shapes.
    /// </summary>
    private static string? Changes(LicenseRow? before, LicenseRow after)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var count = 0;
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            bool Differs<T>(string name, T value, T previous)
            {
                if (before is not null && EqualityComparer<T>.Default.Equals(value, previous))
                {
                    return false;
                }

                json.WritePropertyName(name);
                count++;
                return true;
            }

            if (before is null)
            {
                json.WriteNumber("licensingMode", (int)after.Mode);
                json.WriteString("productId", after.ProductId);
                if (after.PolicyId is { } policyId)
                {
                    json.WriteString("policyId", policyId);
                }
            }

            if (Differs("maxClientCount", after.MaxClientCount, before?.MaxClientCount))
            {
                json.WriteNumberValue(after.MaxClientCount);
            }

            // Compared with the default (0) for a new license, so a create lists them only when it names them.
            if (after.OverageSeats != (before?.OverageSeats ?? 0))
            {
                json.WriteNumber("overageSeats", after.OverageSeats);
                count++;
            }

            if (after.MaxTransfers != (before?.MaxTransfers ?? 0))
            {
                json.WriteNumber("maxTransfers", after.MaxTransfers);
                count++;
            }

            if (Differs("expireAt", after.ExpireAt, before?.ExpireAt))
            {
                json.WriteTimestampValue(after.ExpireAt);
            }

            if (Differs("supportExpireAt", after.SupportExpireAt, before?.SupportExpireAt))
            {
                json.WriteTimestampValue(after.SupportExpireAt);
            }

            if (Differs("heartbeatInterval", after.HeartbeatInterval, before?.HeartbeatInterval))
            {
                json.WriteDurationValue(after.HeartbeatInterval);
            }

            // The lifecycle terms are recorded when set or changed: a new license without them records neither.
            foreach (var (name, value, previous) in new[]
            {
                ("gracePeriod", after.GracePeriod, before?.GracePeriod),
                ("maxBorrowDuration", after.MaxBorrowDuration, before?.MaxBorrowDuration),
            })
            {
                if ((before is not null || value != TimeSpan.Zero) && Differs(name, value, previous ?? TimeSpan.Zero))
                {
                    json.WriteDurationValue(value);
                }
            }

            if (Differs("customerName", after.CustomerName, before?.CustomerName))
            {
                json.WriteStringValue(after.CustomerName);
            }

            if (Differs("features", string.Join('\n', after.Features), before is null ? null : string.Join('\n', before.Features)))
            {
                json.WriteStartArray();
                foreach (var feature in after.Features)
                {
                    json.WriteStringValue(feature);
                }

                json.WriteEndArray();
            }

            // Entitlements are listed apart only when some carry a value or an expiry: otherwise features say it all.
            var withTerms = after.Entitlements.Concat(before?.Entitlements ?? []).Any(e => e.ValueJson is not null || e.ExpireAt is not null);
            if (withTerms && Differs("entitlements", EntitlementList.Format(after.Entitlements), before is null ? null : EntitlementList.Format(before.Entitlements)))
            {
                EntitlementJson.Write(json, after.Entitlements);
            }

            if ((before is not null || after.Meters.Count > 0)
                && Differs("meters", MeterList.Format(after.Meters), before is null ? null : MeterList.Format(before.Meters)))
            {
                MeterJson.Write(json, after.Meters);
            }

            // Compared with the default (on) for a new license, so a create lists it only when it turns the portal off.
            if (after.Portal != (before?.Portal ?? true))
            {
                json.WriteBoolean("portal", after.Portal);
                count++;
            }

            if (Differs("suspended", after.Suspended, before?.Suspended))
            {
                json.WriteBooleanValue(after.Suspended);
            }

            if (Differs("revoked", after.Revoked, before?.Revoked))
            {
                json.WriteBooleanValue(after.Revoked);
            }

            json.WriteEndObject();
        }

        return before is not null && count == 0 ? null : Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
