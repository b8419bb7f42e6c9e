namespace Licensing.Webhooks;

/// <summary>What one attempt came to: a 2xx is delivered; any other status, a timeout or a refused connection is not.</summary>
public sealed record AttemptResult(bool Delivered, int? HttpStatus, string? Error);

/// <summary>
/// Sends one signed delivery: <c>POST url</c> with the body, <c>Licensing-Event-Id</c>, <c>Licensing-Timestamp</c> (Unix
/// seconds) and <c>Licensing-Signature</c> (a detached ES256 JWS over <c>{timestamp}.{body}</c>). 10 s per attempt,
/// no redirects, no proxy; every connection resolves its host and checks the very address it connects to, so a name
/// that resolves (or rebinds) to a private address is refused.
/// </summary>
public sealed class WebhookSender : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly HttpClient _http;
    private readonly TokenSigner _signer;
    private readonly TimeProvider _clock;
    private readonly bool _allowPrivate;

    public WebhookSender(TokenSigner signer, TimeProvider clock, IOptions<LicensingOptions> options)
    {
        (_signer, _clock, _allowPrivate) = (signer, clock, options.Value.AllowPrivateWebhookTargets);
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            ConnectTimeout = Timeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            ConnectCallback = ConnectAsync,
        };
        _http = new HttpClient(handler) { Timeout = Timeout };
    }

    public async Task<AttemptResult> SendAsync(string url, string eventId, string body, CancellationToken ct)
    {
        var timestamp = _clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Licensing-Event-Id", eventId);
        request.Headers.Add("Licensing-Timestamp", timestamp);
        request.Headers.Add("Licensing-Signature", _signer.SignDetached(Encoding.UTF8.GetBytes(timestamp + "." + body)));
        request.Headers.UserAgent.ParseAdd("Licensing-Webhooks/1");
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            return status is >= 200 and < 300
                ? new AttemptResult(true, status, null)
                : new AttemptResult(false, status, status is >= 300 and < 400 ? "redirects are not followed" : $"answered {status}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return new AttemptResult(false, null, $"no answer within {Timeout.TotalSeconds:0} s");
        }
        catch (HttpRequestException ex)
        {
            return new AttemptResult(false, null, Innermost(ex) is TargetRefusedException refused ? refused.Message : ex.Message);
        }
    }

    public void Dispose() => _http.Dispose();

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host.Trim('[', ']');
        var addresses = IPAddress.TryParse(host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, ct).ConfigureAwait(false);
        var usable = _allowPrivate ? addresses : addresses.Where(a => WebhookTargets.Refusal(a) is null).ToArray();
        if (usable.Length == 0)
        {
            var refused = addresses.FirstOrDefault();
            throw new TargetRefusedException(refused is null
                ? $"{host} resolves to no address."
                : $"{host} resolves to {refused} ({WebhookTargets.Refusal(refused)}), which deliveries may not reach.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(usable, context.DnsEndPoint.Port, ct).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is { } inner && ex is not TargetRefusedException)
        {
            ex = inner;
        }

        return ex;
    }

    private sealed class TargetRefusedException(string message) : Exception(message);
}
