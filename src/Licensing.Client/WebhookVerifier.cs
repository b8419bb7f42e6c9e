namespace Licensing.Client;

/// <summary>A webhook delivery whose signature verified: the event as the server recorded it.</summary>
public sealed class WebhookEvent
{
    /// <summary>The same on every delivery and redelivery of one event: deduplicate by it.</summary>
    public string Id { get; set; } = "";
    public string Type { get; set; } = "";
    public DateTimeOffset At { get; set; }
    public string? LicenseId { get; set; }
    public string? ProductId { get; set; }

    /// <summary>The license's event number (events of one license are numbered in commit order); null for API key events and pings.</summary>
    public long? Sequence { get; set; }
    public string Actor { get; set; } = "";
    public JsonElement Data { get; set; }
}

/// <summary>
/// Verifies webhook deliveries with the server's public keys (the JWKS, cached by the client and fetched again for a
/// key it does not know): the <c>Licensing-Signature</c> header is a detached ES256 JWS over
/// <c>{Licensing-Timestamp}.{body}</c>, and a timestamp further than <see cref="Tolerance"/> from now is refused, so
/// a delivery recorded and replayed later does not verify. No shared secret is involved.
/// </summary>
public sealed class WebhookVerifier
{
    public const string EventIdHeader = "Licensing-Event-Id";
    public const string TimestampHeader = "Licensing-Timestamp";
    public const string SignatureHeader = "Licensing-Signature";

    /// <summary>How far a delivery's timestamp may be from this machine's clock.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    private const string SignatureType = "webhook+jws";
    private readonly LicensingClient _client;

    public WebhookVerifier(LicensingClient client, TimeSpan? tolerance = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        Tolerance = tolerance ?? DefaultTolerance;
    }

    public TimeSpan Tolerance { get; }

    /// <summary>
    /// The event of a genuine, fresh delivery; <paramref name="header"/> reads a request header by name (for ASP.NET
    /// Core: <c>name =&gt; request.Headers[name]</c>), <paramref name="body"/> is the request body exactly as received.
    /// </summary>
    /// <exception cref="LicensingException">Kind <see cref="LicensingErrorKind.VerificationFailed"/>: forged, altered, stale or malformed.</exception>
    public Task<WebhookEvent> VerifyAsync(Func<string, string?> header, string body, CancellationToken cancellationToken = default)
    {
        if (header is null)
        {
            throw new ArgumentNullException(nameof(header));
        }

        var eventId = header(EventIdHeader);
        var timestamp = header(TimestampHeader);
        var signature = header(SignatureHeader);
        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature) || body is null)
        {
            throw LicensingException.VerificationFailed($"A delivery carries the {TimestampHeader} and {SignatureHeader} headers and a body.");
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            throw LicensingException.VerificationFailed($"{TimestampHeader} is not a Unix time in seconds.");
        }

        var sentAt = DateTimeOffset.FromUnixTimeSeconds(seconds);
        var now = _client.Clock.GetUtcNow();
        if (sentAt < now - Tolerance || sentAt > now + Tolerance)
        {
            throw LicensingException.VerificationFailed($"The delivery was signed at {sentAt:u}, more than {Tolerance} from now: refused as a possible replay.");
        }

        return _client.Jwks.VerifyAsync(
            verifier =>
            {
                verifier.VerifyDetached(signature!, Encoding.UTF8.GetBytes(timestamp + "." + body), SignatureType);
                return Parse(body, eventId);
            },
            LicenseVerifier.DefaultClockSkew,
            cancellationToken);
    }

    /// <summary>As <see cref="VerifyAsync(Func{string, string?}, string, CancellationToken)"/>, with the headers as a dictionary.</summary>
    public Task<WebhookEvent> VerifyAsync(IReadOnlyDictionary<string, string> headers, string body, CancellationToken cancellationToken = default) =>
        VerifyAsync(name => headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value, body, cancellationToken);

    private static WebhookEvent Parse(string body, string? eventId)
    {
        WebhookEvent? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize<WebhookEvent>(body, WireJson.Options);
        }
        catch (JsonException)
        {
            throw LicensingException.VerificationFailed("The signed body is not a webhook event.");
        }

        if (parsed is null || parsed.Id.Length == 0 || (eventId is not null && eventId != parsed.Id))
        {
            throw LicensingException.VerificationFailed($"The body's event id does not match the {EventIdHeader} header.");
        }

        return parsed;
    }
}
