using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Licensing.Tests.Support;

/// <summary>What one fuzz request got: a status, its content type and body, or why there was no answer.</summary>
public sealed record FuzzAnswer(FuzzRequest Request, int Status, string? ContentType, byte[] Body, string? NoAnswer, bool TimedOut = false)
{
    public bool IsSuccess => Status is >= 200 and < 300;
}

/// <summary>Sends fuzz requests as they are built: raw paths, unvalidated headers, bodies with or without a length.</summary>
public sealed class FuzzClient(Uri baseAddress, TimeSpan timeout) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
        // Lets a header carry bytes over 0x7F, as a hostile client's would.
        RequestHeaderEncodingSelector = (_, _) => Encoding.Latin1,
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public async Task<FuzzAnswer> SendAsync(FuzzRequest request)
    {
        using var timer = new CancellationTokenSource(timeout);
        var uri = new Uri(baseAddress.ToString().TrimEnd('/') + "/" + request.PathAndQuery, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), uri);
        foreach (var (name, value) in request.Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        if (request.Body is { } body)
        {
            message.Content = request.Chunked ? new ChunkedContent(body) : new ByteArrayContent(body);
            if (request.ContentType is { } contentType)
            {
                message.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
        }

        try
        {
            using var response = await _http.SendAsync(message, timer.Token);
            var answer = await response.Content.ReadAsByteArrayAsync(timer.Token);
            return new FuzzAnswer(request, (int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, answer, null);
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested)
        {
            return new FuzzAnswer(request, 0, null, [], $"no answer within {timeout.TotalSeconds} s", TimedOut: true);
        }
        catch (HttpRequestException ex)
        {
            return new FuzzAnswer(request, 0, null, [], "no answer: " + ex.Message);
        }
    }

    public void Dispose() => _http.Dispose();

    /// <summary>A body of unknown length: sent with Transfer-Encoding: chunked.</summary>
    private sealed class ChunkedContent(byte[] body) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (var at = 0; at < body.Length; at += 8192)
            {
                await stream.WriteAsync(body.AsMemory(at, Math.Min(8192, body.Length - at)));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
