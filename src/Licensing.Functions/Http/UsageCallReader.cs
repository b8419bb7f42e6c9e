namespace Licensing.Http;

/// <summary>
/// Reads a usage recording: <c>userKey</c> and <c>machineId</c>, then one use (<c>meter, amount, eventId</c>) or a batch
/// (<c>events: [...]</c>, at most 100); unknown properties are ignored, as in every client call. Any wrong part is a 400 naming its field, and then nothing of the call is counted.
/// </summary>
public static class UsageCallReader
{
    public const string EventsField = "events";

    private static readonly SearchValues<char> EventIdCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.");

    private static readonly string[] SingleUseFields = ["meter", "amount", "eventId"];

    public static UsageCall? Read(JsonFields fields)
    {
        var userKey = fields.Text("userKey", ClientCall.UserKeyMax, required: true);
        var machineId = fields.Text("machineId", ClientCall.IdMax, required: true);
        var events = fields.Has(EventsField) ? Batch(fields) : One(fields) is { } one ? [one] : null;
        if (fields.Has(EventsField))
        {
            foreach (var single in SingleUseFields.Where(fields.Has))
            {
                fields.AddError(single, "give one use (meter, amount, eventId) or a batch (events), not both.");
            }
        }

        return fields.HasErrors ? null : new UsageCall(userKey!, machineId!, events!);
    }

    private static UsageEvent[]? Batch(JsonFields fields)
    {
        if (fields.Element(EventsField) is not { ValueKind: JsonValueKind.Array } array || array.GetArrayLength() is 0 or > UsageEvent.MaxBatch)
        {
            fields.AddError(EventsField, $"must be an array of 1 to {UsageEvent.MaxBatch} objects {{meter, amount, eventId}}.");
            return null;
        }

        var events = new List<UsageEvent>();
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"{EventsField}[{index++}]");
            if (item.ValueKind != JsonValueKind.Object)
            {
                fields.AddError(name, "must be an object {meter, amount, eventId}.");
                continue;
            }

            var entry = new JsonFields(item);
            var use = One(entry);
            foreach (var (part, messages) in entry.Errors)
            {
                foreach (var message in messages)
                {
                    fields.AddError($"{name}.{part}", message);
                }
            }

            if (use is not null)
            {
                events.Add(use);
            }
        }

        return events.ToArray();
    }

    /// <summary>One use's three fields from <paramref name="entry"/> (the body, or an item of the batch); errors go to it.</summary>
    private static UsageEvent? One(JsonFields entry)
    {
        var meter = entry.Text("meter", Entitlement.MaxCodeLength, required: true);
        if (meter is not null && !Entitlement.IsCode(meter))
        {
            entry.AddError("meter", $"must be 1 to {Entitlement.MaxCodeLength} of a-z, 0-9, '.', '_' and '-'.");
        }

        var amount = entry.LongNumber("amount", 1, UsageEvent.MaxAmount, required: true);
        var eventId = entry.Text("eventId", UsageEvent.MaxEventId, required: true);
        if (eventId is not null && eventId.AsSpan().IndexOfAnyExcept(EventIdCharacters) >= 0)
        {
            entry.AddError("eventId", $"must be 1 to {UsageEvent.MaxEventId} of A-Z, a-z, 0-9, '-', '_' and '.'.");
        }

        return entry.HasErrors || meter is null || amount is null || eventId is null ? null : new UsageEvent(meter, amount.Value, eventId);
    }
}
