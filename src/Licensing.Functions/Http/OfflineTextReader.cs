namespace Licensing.Http;

/// <summary>
/// Reads the texts that cross the air gap from a call's body: the prefix, base64url (no padding), a JSON object, then
/// each field against its limit. An error names the body's field (<c>request</c>, <c>proof</c>) or the field inside
/// it (<c>request.machineId</c>), so whoever pasted the text learns what was wrong with it.
/// </summary>
public static class OfflineTextReader
{
    public static OfflineRequest? ReadRequest(JsonFields body, DateTimeOffset now)
    {
        if (Open(body, "request", OfflineTexts.RequestPrefix) is not { } inner)
        {
            return null;
        }

        Version(inner);
        var productId = inner.Text("productId", LicenseDraft.MaxProductId);
        if (productId is not null && !LicenseDraft.IsProductId(productId))
        {
            inner.AddError("productId", "must be 1 to 64 of a-z, 0-9 and '-'.");
        }

        var userKey = inner.Text("userKey", ClientCall.UserKeyMax, required: true);
        var machineId = inner.Text("machineId", ClientCall.IdMax, required: true);
        var clientName = inner.Text("clientName", ClientCall.IdMax);
        var requestId = RequestId(inner);
        var createdAt = Moment(inner, "createdAt", now);
        return Close(body, "request", inner)
            ? new OfflineRequest(productId, userKey!, machineId!, clientName, requestId!, DateTimeOffset.FromUnixTimeSeconds(createdAt!.Value))
            : null;
    }

    public static DeactivationProof? ReadProof(JsonFields body, DateTimeOffset now)
    {
        if (Open(body, "proof", OfflineTexts.ProofPrefix) is not { } inner)
        {
            return null;
        }

        Version(inner);
        var licenseId = inner.Text("licenseId", 64, required: true);
        if (licenseId is not null && !LicenseIds.IsWellFormed(licenseId))
        {
            inner.AddError("licenseId", "is not a license id.");
        }

        var machineId = inner.Text("machineId", ClientCall.IdMax, required: true);
        var requestId = RequestId(inner);
        var at = Moment(inner, "at", now);
        var macText = inner.Text("mac", 64, required: true);
        byte[]? mac = null;
        if (macText is not null && !TryDecode(macText, out mac))
        {
            inner.AddError("mac", "must be base64url (no padding).");
        }

        return Close(body, "proof", inner) ? new DeactivationProof(licenseId!, machineId!, requestId!, at!.Value, mac!) : null;
    }

    private static JsonFields? Open(JsonFields body, string field, string prefix)
    {
        var text = body.Text(field, OfflineTexts.MaxTextLength, required: true)?.Trim();
        if (text is null)
        {
            return null;
        }

        if (!text.StartsWith(prefix, StringComparison.Ordinal))
        {
            body.AddError(field, $"must start with '{prefix}'.");
            return null;
        }

        if (!TryDecode(text[prefix.Length..], out var json))
        {
            body.AddError(field, $"must be '{prefix}' followed by base64url (no padding).");
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 8 });
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return new JsonFields(document.RootElement.Clone());
            }
        }
        catch (JsonException)
        {
        }
        catch (InvalidOperationException)
        {
            // A property name that is no valid UTF-8 text.
        }

        body.AddError(field, "must hold a JSON object.");
        return null;
    }

    /// <summary>Copies the inner errors to the body as <c>field.name</c>; true when there were none.</summary>
    private static bool Close(JsonFields body, string field, JsonFields inner)
    {
        foreach (var (name, messages) in inner.Errors)
        {
            foreach (var message in messages)
            {
                body.AddError(field + "." + name, message);
            }
        }

        return !inner.HasErrors;
    }

    private static void Version(JsonFields inner) => inner.WholeNumber("v", 1, 1, required: true);

    private static string? RequestId(JsonFields inner)
    {
        var requestId = inner.Text("requestId", OfflineTexts.MaxRequestId, required: true);
        if (requestId is not null && !OfflineTexts.IsRequestId(requestId))
        {
            inner.AddError("requestId", $"must be {OfflineTexts.MinRequestId} to {OfflineTexts.MaxRequestId} base64url characters (128 random bits or more).");
        }

        return requestId;
    }

    /// <summary>Unix seconds, not later than the tolerance allows.</summary>
    private static long? Moment(JsonFields inner, string name, DateTimeOffset now)
    {
        var seconds = inner.LongNumber(name, 0, DateTimeOffset.MaxValue.ToUnixTimeSeconds(), required: true);
        if (seconds is { } value && DateTimeOffset.FromUnixTimeSeconds(value) > now + OfflineTexts.ClockTolerance)
        {
            inner.AddError(name, "is more than 5 minutes in the future.");
        }

        return seconds;
    }

    private static bool TryDecode(string text, out byte[] bytes)
    {
        bytes = [];
        if (text.Length == 0 || text.Contains('=', StringComparison.Ordinal))
        {
            return false;
        }

        try
        {
            bytes = Base64Url.DecodeFromChars(text);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
