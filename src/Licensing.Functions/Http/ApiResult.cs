namespace Licensing.Http;

/// <summary>
/// A JSON response that writes itself, so both the Functions host and the local host run the same bytes
/// without MVC's formatters.
/// </summary>
public sealed class ApiResult : IActionResult
{
    public const string JsonContentType = "application/json; charset=utf-8";
    public const string ProblemContentType = "application/problem+json; charset=utf-8";

    private readonly int _status;
    private readonly Func<Stream, CancellationToken, Task>? _write;
    private readonly string _contentType;
    private readonly IReadOnlyList<KeyValuePair<string, string>> _headers;

    public ApiResult(int status) : this(status, null, JsonContentType, [])
    {
    }

    private ApiResult(int status, Func<Stream, CancellationToken, Task>? write, string contentType, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        _status = status;
        _write = write;
        _contentType = contentType;
        _headers = headers;
    }

    public ApiResult(int status, object body, JsonTypeInfo typeInfo, string contentType = JsonContentType, IReadOnlyList<KeyValuePair<string, string>>? headers = null)
        : this(status, (stream, ct) => JsonSerializer.SerializeAsync(stream, body, typeInfo, ct), contentType, headers ?? [])
    {
        _reason = (body as Problem)?.Code;
    }

    private string? _reason;
    private string? _licenseId;
    private int? _seatsInUse;

    public int StatusCode => _status;

    /// <summary>What this answer says, for metrics and traces (a problem's code is its reason).</summary>
    public CallOutcome Outcome => new(_status, _reason, _licenseId, _seatsInUse);

    /// <summary>Notes the reason code, license and seats in use this answer carries (Answers does, where it knows them).</summary>
    public ApiResult Noting(string? reason, string? licenseId, int? seatsInUse)
    {
        (_reason, _licenseId, _seatsInUse) = (reason, licenseId, seatsInUse);
        return this;
    }

    private AnswerSigning? _signing;
    private string? _nonce;

    /// <summary>Has this answer signed as it is written (<see cref="AnswerSigning"/>), echoing the client's nonce.</summary>
    public ApiResult SignedBy(AnswerSigning signing, string? nonce)
    {
        (_signing, _nonce) = (signing, nonce);
        return this;
    }

    public static ApiResult Ok<T>(T body, JsonTypeInfo<T> typeInfo) where T : notnull => new(200, body, typeInfo);

    public static ApiResult Created<T>(T body, JsonTypeInfo<T> typeInfo) where T : notnull => new(201, body, typeInfo);

    public static ApiResult NoContent() => new(204);

    /// <summary>A 200 whose body is already JSON bytes (a document served as it is stored).</summary>
    public static ApiResult OkBytes(ReadOnlyMemory<byte> json) =>
        new(200, (stream, ct) => stream.WriteAsync(json, ct).AsTask(), JsonContentType, []);

    /// <summary>A 200 whose body is a file to save: its bytes, its type, and the name to save it under.</summary>
    public static ApiResult Download(ReadOnlyMemory<byte> bytes, string contentType, string fileName) =>
        new(200, (stream, ct) => stream.WriteAsync(bytes, ct).AsTask(), contentType, [new("Content-Disposition", $"attachment; filename=\"{fileName}\"")]);

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        var ct = context.HttpContext.RequestAborted;
        response.StatusCode = _status;
        foreach (var header in _headers)
        {
            response.Headers[header.Key] = header.Value;
        }

        if (_signing is not null)
        {
            await WriteSignedAsync(response, _signing, ct).ConfigureAwait(false);
            return;
        }

        if (_write is null)
        {
            return;
        }

        response.ContentType = _contentType;
        await _write(response.Body, ct).ConfigureAwait(false);
    }

    /// <summary>The body is buffered so its digest and signature can lead it as headers.</summary>
    private async Task WriteSignedAsync(HttpResponse response, AnswerSigning signing, CancellationToken ct)
    {
        using var body = new MemoryStream();
        if (_write is not null)
        {
            await _write(body, ct).ConfigureAwait(false);
        }

        var bytes = body.GetBuffer().AsMemory(0, (int)body.Length);
        foreach (var header in signing.Sign(_status, bytes.Span, _nonce))
        {
            response.Headers[header.Key] = header.Value;
        }

        if (_write is null)
        {
            return;
        }

        response.ContentType = _contentType;
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, ct).ConfigureAwait(false);
    }
}
