namespace Licensing.Client;

/// <summary>An offline activation that verified: this machine is activated on the license until <see cref="TokenExpireAt"/>.</summary>
public sealed class OfflineActivationState : EntitledTerms
{
    public string LicenseId { get; set; } = "";
    public string ProductId { get; set; } = "";
    public string MachineId { get; set; } = "";
    public string RequestId { get; set; } = "";

    /// <summary>Until when the activation holds without the server: its seat token's expiry.</summary>
    public DateTimeOffset TokenExpireAt { get; set; }

    /// <summary>The seat token the server issued, for an app that reaches the server again one day.</summary>
    public string LicenseToken { get; set; } = "";

    /// <summary>The signed license document that came with the activation, verified.</summary>
    public VerifiedLicense License { get; set; } = new();
}

/// <summary>
/// Activation for a machine that never reaches the server. <see cref="CreateRequest"/> writes the request text
/// (<c>lsreq1.</c>) to carry to a connected device and keeps its id as pending in the offline cache;
/// <see cref="ImportResponse"/> verifies the response brought back (signature against the keys the app ships or cached,
/// this machine, the pending request, not expired) and keeps it, so <see cref="TryLoad"/> answers the activation with
/// no network until its <c>tokenExpireAt</c>; <see cref="Deactivate"/> deletes it and returns the proof (<c>lsdea1.</c>)
/// that frees its seat. Every refusal is a <see cref="LicensingException"/> of kind
/// <see cref="LicensingErrorKind.VerificationFailed"/> saying why.
/// </summary>
public sealed class OfflineActivation
{
    private const string RequestPrefix = "lsreq1.";
    private const string ResponsePrefix = "lsres1.";
    private const string ProofPrefix = "lsdea1.";

    private readonly OfflineLicenseCache _cache;
    private readonly LicenseVerifier _verifier;
    private readonly TimeProvider _clock;

    /// <param name="cache">Where the pending request and the imported activation are kept (beside the cached document).</param>
    /// <param name="verifier">The server's keys, as the app ships them or cached them.</param>
    /// <param name="machineId">This machine's id (<see cref="MachineIdentity.Get"/>, or the app's own).</param>
    /// <param name="clock">The time the activation's expiry and the request's creation are read from.</param>
    public OfflineActivation(OfflineLicenseCache cache, LicenseVerifier verifier, string machineId, TimeProvider? clock = null)
    {
        _cache = cache ?? throw new ArgumentNullException(nameof(cache));
        _verifier = verifier ?? throw new ArgumentNullException(nameof(verifier));
        MachineId = string.IsNullOrEmpty(machineId) ? throw new ArgumentException("A machine id is required.", nameof(machineId)) : machineId;
        _clock = clock ?? TimeProvider.System;
    }

    public string MachineId { get; }

    /// <summary>
    /// The request text for the license's <paramref name="userKey"/>, with a new random request id that the cache keeps
    /// as the one a response must answer (a later request replaces it).
    /// </summary>
    public string CreateRequest(string userKey, string? productId = null, string? clientName = null)
    {
        if (string.IsNullOrEmpty(userKey))
        {
            throw new ArgumentException("A user key is required.", nameof(userKey));
        }

        var requestIdBytes = new byte[16];
        using (var random = RandomNumberGenerator.Create())
        {
            random.GetBytes(requestIdBytes);
        }

        var requestId = Base64UrlCodec.Encode(requestIdBytes);
        var json = WriteJson(writer =>
        {
            writer.WriteNumber("v", 1);
            if (productId is not null)
            {
                writer.WriteString("productId", productId);
            }

            writer.WriteString("userKey", userKey);
            writer.WriteString("machineId", MachineId);
            if (clientName is not null)
            {
                writer.WriteString("clientName", clientName);
            }

            writer.WriteString("requestId", requestId);
            writer.WriteNumber("createdAt", _clock.GetUtcNow().ToUnixTimeSeconds());
        });
        _cache.SavePendingRequest(requestId, MachineId);
        return RequestPrefix + Base64UrlCodec.Encode(json);
    }

    /// <summary>
    /// Verifies the response text and keeps it: signed by a key of the JWKS as an offline activation, for this machine,
    /// answering the pending request, not expired. The pending request is then answered; importing it again is refused.
    /// </summary>
    public OfflineActivationState ImportResponse(string responseText)
    {
        var response = (responseText ?? throw new ArgumentNullException(nameof(responseText))).Trim();
        var state = Verify(response);
        var pending = _cache.ReadPendingRequest();
        if (pending is not { } waiting || waiting.RequestId != state.RequestId)
        {
            throw LicensingException.VerificationFailed(
                "This response answers another request than the one this machine is waiting for (an older request, or one already imported).");
        }

        _cache.SaveOfflineActivation(response);
        return state;
    }

    /// <summary>The imported activation while it holds (verified again, not expired), or null: none, expired or tampered with.</summary>
    public OfflineActivationState? TryLoad()
    {
        if (_cache.ReadOfflineActivation() is not { Length: > 0 } response)
        {
            return null;
        }

        try
        {
            return Verify(response);
        }
        catch (LicensingException)
        {
            return null;
        }
    }

    /// <summary>
    /// Deletes the imported activation and returns the deactivation proof to carry to a connected device, where
    /// <c>POST /v1/license/offline/deactivate</c> frees the seat.
    /// </summary>
    public string Deactivate()
    {
        var response = _cache.ReadOfflineActivation() ?? throw new InvalidOperationException("This machine holds no offline activation.");
        var claims = Claims(response);
        var at = _clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        byte[] mac;
        using (var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(claims.DeactivationSecret)))
        {
            mac = hmac.ComputeHash(Encoding.UTF8.GetBytes($"{claims.LicenseId}.{claims.MachineId}.{claims.RequestId}.{at}"));
        }

        var json = WriteJson(writer =>
        {
            writer.WriteNumber("v", 1);
            writer.WriteString("licenseId", claims.LicenseId);
            writer.WriteString("machineId", claims.MachineId);
            writer.WriteString("requestId", claims.RequestId);
            writer.WriteNumber("at", long.Parse(at, CultureInfo.InvariantCulture));
            writer.WriteString("mac", Base64UrlCodec.Encode(mac));
        });
        _cache.DeleteOfflineActivation();
        return ProofPrefix + Base64UrlCodec.Encode(json);
    }

    private OfflineActivationState Verify(string response)
    {
        var claims = Claims(response);
        if (claims.MachineId != MachineId)
        {
            throw LicensingException.VerificationFailed($"This response activates another machine ('{claims.MachineId}'), not this one.");
        }

        var tokenExpireAt = DateTimeOffset.FromUnixTimeSeconds(claims.TokenExpireAt);
        if (tokenExpireAt <= _clock.GetUtcNow() - _verifier.ClockSkew)
        {
            throw LicensingException.VerificationFailed($"This offline activation expired at {tokenExpireAt:u}: make a new request.");
        }

        var token = _verifier.VerifyToken(claims.LicenseToken);
        var license = _verifier.VerifyDocument(Encoding.ASCII.GetBytes(claims.LicenseKey));
        if (token.LicenseId != claims.LicenseId || license.LicenseId != claims.LicenseId)
        {
            throw LicensingException.VerificationFailed("The response's token or license document is of another license.");
        }

        var state = new OfflineActivationState
        {
            LicenseId = claims.LicenseId,
            ProductId = claims.ProductId,
            MachineId = claims.MachineId,
            RequestId = claims.RequestId,
            TokenExpireAt = tokenExpireAt,
            LicenseToken = claims.LicenseToken,
            License = license,
            Entitlements = token.Entitlements,
        };
        state.EvaluateWith(_clock, _verifier.ClockSkew);
        return state;
    }

    /// <summary>The verified claims of a response text (signature, type and required claims).</summary>
    private ResponseClaims Claims(string response)
    {
        if (!response.StartsWith(ResponsePrefix, StringComparison.Ordinal))
        {
            throw LicensingException.VerificationFailed($"Not an offline activation response (it must start with '{ResponsePrefix}').");
        }

        var (payload, _) = _verifier.VerifyOfflineResponse(response.Substring(ResponsePrefix.Length));
        ResponseClaims? claims;
        try
        {
            claims = JsonSerializer.Deserialize<ResponseClaims>(payload, WireJson.Options);
        }
        catch (JsonException)
        {
            claims = null;
        }

        if (claims is null || claims.Kind != "offline-activation" || string.IsNullOrEmpty(claims.LicenseId) || string.IsNullOrEmpty(claims.RequestId)
            || string.IsNullOrEmpty(claims.LicenseToken) || string.IsNullOrEmpty(claims.LicenseKey) || string.IsNullOrEmpty(claims.DeactivationSecret))
        {
            throw LicensingException.VerificationFailed("The response's signed payload is not an offline activation (its kind or required claims are missing).");
        }

        return claims;
    }

    private static byte[] WriteJson(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private sealed class ResponseClaims
    {
        public string LicenseId { get; set; } = "";
        public string ProductId { get; set; } = "";
        public string MachineId { get; set; } = "";
        public string RequestId { get; set; } = "";
        public string LicenseToken { get; set; } = "";
        public long TokenExpireAt { get; set; }
        public string LicenseKey { get; set; } = "";
        public long IssuedAt { get; set; }
        public string DeactivationSecret { get; set; } = "";
        public string? Kind { get; set; }
    }
}
