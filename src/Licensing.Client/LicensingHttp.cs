namespace Licensing.Client;

/// <summary>Sends one call and turns every failure into a <see cref="LicensingException"/> that says which failure it was.</summary>
internal sealed class LicensingHttp
{
    private const string ApiKeyHeader = "x-api-key";
    private readonly HttpClient _http;
    private readonly LicensingClientOptions _options;
    private const string LicenseCalls = "v1/license/";
    private const string KeysCall = "v1/license/keys";
    private readonly Uri _base;
    private readonly TimeProvider _clock;
    private readonly Func<SignedAnswers.Claim, CancellationToken, Task<bool>>? _verifySignature;

    /// <summary>The verifier checks a signed answer's signature with the server's keys (client calls); the admin API passes none, its answers are not signed.</summary>
    public LicensingHttp(HttpClient http, LicensingClientOptions options, TimeProvider? clock = null, Func<SignedAnswers.Claim, CancellationToken, Task<bool>>? verifySignature = null)
    {
        options.Validate();
        _http = http;
        _options = options;
        _clock = clock ?? TimeProvider.System;
        _verifySignature = verifySignature;
        var address = options.BaseAddress!.ToString();
        _base = new Uri(address.EndsWith("/", StringComparison.Ordinal) ? address : address + "/");
    }

    public Uri BaseAddress => _base;

    public async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        var (status, text) = await SendRawAsync(method, path, body, ct).ConfigureAwait(false);
        if (typeof(T) == typeof(NoContent))
        {
            return (T)(object)NoContent.Value;
        }

        try
        {
            var value = JsonSerializer.Deserialize<T>(text, WireJson.Options);
            return value ?? throw Invalid(status, "an empty body");
        }
        catch (JsonException)
        {
            throw Invalid(status, "a body that is not this API's JSON");
        }
    }

    private async Task<(HttpStatusCode Status, string Text)> SendRawAsync(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, new Uri(_base, path));
        if (!string.IsNullOrEmpty(_options.ApiKey))
        {
            request.Headers.TryAddWithoutValidation(ApiKeyHeader, _options.ApiKey);
        }

        if (_options.BearerTokenProvider is { } provider)
        {
            var token = await provider(ct).ConfigureAwait(false);
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }
        // Every license call carries a fresh nonce; the JWKS is the root the keys come from, so its answer is not checked.
        var nonce = _verifySignature is not null && path.StartsWith(LicenseCalls, StringComparison.Ordinal) && path != KeysCall ? SignedAnswers.NewNonce() : null;
        if (nonce is not null)
        {
            request.Headers.TryAddWithoutValidation(SignedAnswers.NonceHeader, nonce);
        }

        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body, body.GetType(), WireJson.Options), Encoding.UTF8, "application/json");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.Timeout);
        HttpResponseMessage response;
        byte[] bytes;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
#if NET5_0_OR_GREATER
            bytes = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
#else
            bytes = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
#endif
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new LicensingException(LicensingErrorKind.Timeout,
                $"The licensing server at {_base} did not answer within {_options.Timeout.TotalSeconds:0.#} s.", null, null, null, ex);
        }
        catch (HttpRequestException ex)
        {
            throw new LicensingException(LicensingErrorKind.Unreachable,
                $"Could not reach the licensing server at {_base}: {ex.Message}", null, null, null, ex);
        }

        using (response)
        {
            var status = response.StatusCode;
            if (nonce is not null && _options.RequireSignedAnswers)
            {
                await CheckSignedAsync(response, bytes, nonce, timeout.Token).ConfigureAwait(false);
            }

            var text = Encoding.UTF8.GetString(bytes);
            if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                var problem = TryProblem(text);
                var credential = _options.BearerTokenProvider is null ? "API key" : "bearer token";
                throw new LicensingException(LicensingErrorKind.Unauthorized,
                    status == HttpStatusCode.Unauthorized
                        ? $"The licensing server at {_base} refused the {credential} (401): check it."
                        : _options.BearerTokenProvider is null
                            ? "The API key may not make this call (403): it needs a key with another scope."
                            : "The bearer token may not make this call (403): its identity lacks the admin role.",
                    (int)status, problem?.Code, null, null);
            }

            if (response.IsSuccessStatusCode)
            {
                var mediaType = response.Content.Headers.ContentType?.MediaType;
                if (status != HttpStatusCode.NoContent && (mediaType is null || !mediaType.EndsWith("json", StringComparison.OrdinalIgnoreCase)))
                {
                    throw Invalid(status, $"content of type '{mediaType ?? "none"}'");
                }

                return (status, text);
            }

            var failure = TryProblem(text);
            if (failure is null)
            {
                throw Invalid(status, "an error that is not a problem body");
            }

            throw new LicensingException(LicensingErrorKind.Problem,
                $"The licensing server answered {(int)status} {failure.Code}: {failure.Detail ?? failure.Title}",
                (int)status, failure.Code, failure.Errors, null);
        }
    }

    /// <summary>Refuses an answer that the server did not sign for this call (<see cref="LicensingClientOptions.RequireSignedAnswers"/>).</summary>
    private async Task CheckSignedAsync(HttpResponseMessage response, byte[] body, string nonce, CancellationToken ct)
    {
        var (claim, refusal) = SignedAnswers.Read(response, body, nonce, _clock.GetUtcNow(), _options.AnswerClockSkew);
        if (claim is not null)
        {
            try
            {
                await _verifySignature!(claim, ct).ConfigureAwait(false);
                return;
            }
            catch (LicensingException ex) when (ex.Kind == LicensingErrorKind.VerificationFailed)
            {
                refusal = ex.Message;
            }
        }

        throw LicensingException.UnverifiedAnswer(_base, (int)response.StatusCode, refusal!);
    }

    private LicensingException Invalid(HttpStatusCode status, string what) =>
        new(LicensingErrorKind.InvalidResponse,
            $"The server at {_base} answered {(int)status} with {what}: is this the licensing server's URL?", (int)status, null, null, null);

    private static ProblemBody? TryProblem(string text)
    {
        try
        {
            var problem = JsonSerializer.Deserialize<ProblemBody>(text, WireJson.Options);
            return problem?.Code is null ? null : problem;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed class ProblemBody
    {
        public string? Title { get; set; }
        public string? Detail { get; set; }
        public string? Code { get; set; }
        public Dictionary<string, string[]>? Errors { get; set; }
    }
}

/// <summary>The answer of a call that returns no body (204).</summary>
public sealed class NoContent
{
    internal static readonly NoContent Value = new();

    private NoContent()
    {
    }
}
