namespace Licensing.Webhooks;

/// <summary>
/// The body of a delivery, <c>{id, type, at, licenseId, productId, sequence, actor, data}</c>, written once when the
/// delivery is created so every attempt sends (and signs) the same bytes. <c>at</c> is a Timestamp object as in the
/// rest of the API; <c>data</c> holds what the audit event recorded.
/// </summary>
public static class WebhookPayloads
{
    /// <summary>A committed audit event's body; <paramref name="productId"/> is its license's product (null for API key events).</summary>
    public static string Of(AuditEventRow row, string? productId)
    {
        var isLicenseEvent = row.PartitionKey != TableKeys.ApiKeyPartition;
        return Write(
            TableKeys.WebhookEventId(row.PartitionKey, row.RowKey),
            row.Type,
            row.At,
            isLicenseEvent ? row.PartitionKey : null,
            productId,
            isLicenseEvent ? TableKeys.EventSequenceOf(row.RowKey) : null,
            row.Actor,
            data =>
            {
                WriteIfSet(data, "clientAddr", row.ClientAddr);
                WriteIfSet(data, "token", row.TokenId);
                WriteIfSet(data, "machineId", row.MachineId);
                WriteIfSet(data, "clientId", row.ClientId);
                WriteIfSet(data, "clientName", row.ClientName);
                WriteIfSet(data, "apiKeyId", row.ApiKeyId);
                if (row.Overage is true)
                {
                    data.WriteBoolean("overage", true);
                }

                if (row.Offline is true)
                {
                    data.WriteBoolean("offline", true);
                }

                if (row.Changes is { } changes)
                {
                    data.WritePropertyName("changes");
                    data.WriteRawValue(changes);
                }
            });
    }

    /// <summary>A test send: <c>webhook.ping</c> naming the webhook, with an event id of its own.</summary>
    public static (string EventId, string Body) Ping(string webhookId, string? productId, DateTimeOffset at, string actor)
    {
        var eventId = "evt_" + Base32.Random(26);
        return (eventId, Write(eventId, WebhookRules.PingType, at, null, productId, null, actor, data => data.WriteString("webhookId", webhookId)));
    }

    /// <summary>The event id and type of a body this class wrote.</summary>
    public static (string EventId, string Type) Describe(string body)
    {
        using var document = JsonDocument.Parse(body);
        return (document.RootElement.GetProperty("id").GetString()!, document.RootElement.GetProperty("type").GetString()!);
    }

    private static string Write(
        string id, string type, DateTimeOffset at, string? licenseId, string? productId, long? sequence, string actor, Action<Utf8JsonWriter> data)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("id", id);
            json.WriteString("type", type);
            json.WritePropertyName("at");
            json.WriteTimestampValue(at);
            json.WriteString("licenseId", licenseId);
            json.WriteString("productId", productId);
            json.WriteNumberOrNull("sequence", sequence);
            json.WriteString("actor", actor);
            json.WriteStartObject("data");
            data(json);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteIfSet(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }
}
