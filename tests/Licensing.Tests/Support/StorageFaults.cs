using System.Diagnostics.CodeAnalysis;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Licensing.Tests.Support;

/// <summary>The storage faults <see cref="StorageFaults"/> injects.</summary>
public enum StorageFault
{
    /// <summary>A 503 ServerBusy answer, synthesised without sending the request.</summary>
    Busy503,

    /// <summary>A 500 InternalError answer, synthesised without sending the request.</summary>
    Error500,

    /// <summary>The request is sent or not, then the attempt fails as Azure.Core's network timeout fails it.</summary>
    Timeout,

    /// <summary>The connection is reset before the request reached storage, or after it did (the answer never comes back).</summary>
    ConnectionReset,

    /// <summary>A write reaches storage and is answered (committed, for a successful one), then its answer is lost.</summary>
    LostAfterWrite,
}

/// <summary>
/// Seeded storage faults at a rate per storage request, placed inside the SDK's retries (per-retry position) so every
/// attempt, the SDK's own retries included, may fail. The exceptions have the shapes Azure.Core raises for real:
/// <list type="bullet">
/// <item>a reset before the answer's headers: the transport's <see cref="HttpRequestException"/> wrapped in a
/// <see cref="RequestFailedException"/> with status 0 (HttpClientTransport);</item>
/// <item>a reset while the answer's body is read: a bare <see cref="IOException"/> (ResponseBodyPolicy rethrows it);</item>
/// <item>a network timeout: a <see cref="TaskCanceledException"/> (ResponseBodyPolicy's timeout).</item>
/// </list>
/// Off until <see cref="Start"/>; <see cref="Stop"/> lets every later request through untouched.
/// </summary>
public sealed class StorageFaults : HttpPipelinePolicy
{
    private readonly object _gate = new();
    private readonly Random _random;
    private readonly double _rate;
    private readonly StorageFault[] _kinds;
    private readonly int[] _injected = new int[Enum.GetValues<StorageFault>().Length];
    private volatile bool _on;
    private int _requests;

    /// <param name="seed">Seeds which requests fail and how (the order requests arrive in is up to the scheduler).</param>
    /// <param name="rate">The share of storage requests that fail, 0 to 1.</param>
    /// <param name="kinds">The faults to choose from, evenly.</param>
    public StorageFaults(int seed, double rate, params StorageFault[] kinds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rate, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rate, 1);
        ArgumentOutOfRangeException.ThrowIfZero(kinds.Length);
        _random = new Random(seed);
        _rate = rate;
        _kinds = kinds;
    }

    /// <summary>Which requests may fail (all by default); the others always go through.</summary>
    public Func<Request, bool> Targets { get; init; } = _ => true;

    /// <summary>Storage requests seen while on.</summary>
    public int Requests => Volatile.Read(ref _requests);

    public int Injected(StorageFault kind) => Volatile.Read(ref _injected[(int)kind]);

    public int InjectedTotal => _injected.Sum();

    public void Start() => _on = true;

    public void Stop() => _on = false;

    public override string ToString() =>
        $"{Requests} storage requests, faults: " + string.Join(", ", Enum.GetValues<StorageFault>().Select(k => $"{k} {Injected(k)}"));

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline, async: false).AsTask().GetAwaiter().GetResult();

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline, async: true);

    private async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline, bool async)
    {
        var (fault, early) = Draw(message);
        switch (fault)
        {
            case null:
                await SendAsync(message, pipeline, async);
                return;

            case StorageFault.Busy503:
                Count(fault.Value);
                message.Response = new SynthesisedResponse(503, "Server Busy", "ServerBusy", "The server is busy (injected).");
                return;

            case StorageFault.Error500:
                Count(fault.Value);
                message.Response = new SynthesisedResponse(500, "Internal Server Error", "InternalError", "The server encountered an internal error (injected).");
                return;

            case StorageFault.Timeout:
                Count(fault.Value);
                if (!early)
                {
                    await SendAsync(message, pipeline, async);
                }

                throw TimedOut();

            case StorageFault.ConnectionReset:
                Count(fault.Value);
                if (early)
                {
                    throw ResetBeforeAnswer();
                }

                await SendAsync(message, pipeline, async);
                throw AnswerLost();

            case StorageFault.LostAfterWrite:
                await SendAsync(message, pipeline, async);
                if (!message.HasResponse || message.Response.Status >= 300)
                {
                    return;
                }

                Count(fault.Value);
                throw AnswerLost();
        }
    }

    /// <summary>Which fault this attempt gets, if any; <c>early</c> says whether it strikes before the request is sent.</summary>
    private (StorageFault? Fault, bool Early) Draw(HttpMessage message)
    {
        if (!_on || !Targets(message.Request))
        {
            return (null, false);
        }

        Interlocked.Increment(ref _requests);
        var isWrite = message.Request.Method != RequestMethod.Get && message.Request.Method != RequestMethod.Head;
        lock (_gate)
        {
            if (_random.NextDouble() >= _rate)
            {
                return (null, false);
            }

            var kind = _kinds[_random.Next(_kinds.Length)];
            var early = _random.Next(2) == 0;
            // A read has no commit to lose: it goes through.
            return kind == StorageFault.LostAfterWrite && !isWrite ? (null, false) : (kind, early);
        }
    }

    private void Count(StorageFault kind) => Interlocked.Increment(ref _injected[(int)kind]);

    private static ValueTask SendAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline, bool async)
    {
        if (async)
        {
            return ProcessNextAsync(message, pipeline);
        }

        ProcessNext(message, pipeline);
        return ValueTask.CompletedTask;
    }

    private static TaskCanceledException TimedOut() => new(
        "The operation was cancelled because it exceeded the configured timeout of 0:00:03. "
        + "Network timeout can be adjusted in ClientOptions.Retry.NetworkTimeout. (injected)",
        new TimeoutException("The network timeout elapsed (injected)."));

    private static RequestFailedException ResetBeforeAnswer()
    {
        var socket = new SocketException((int)SocketError.ConnectionReset);
        var io = new IOException("Unable to read data from the transport connection: Connection reset by peer. (injected)", socket);
        var http = new HttpRequestException(HttpRequestError.ResponseEnded, "An error occurred while sending the request. (injected)", io);
        return new RequestFailedException(http.Message, http);
    }

    /// <summary>The answer was on its way: the body read fails as ResponseBodyPolicy lets it fail, a bare IOException.</summary>
    [SuppressMessage("Usage", "CA2201", Justification = "The exact type the transport raises.")]
    private static HttpIOException AnswerLost() =>
        new(HttpRequestError.ResponseEnded, "The response ended prematurely: connection reset (injected).");

    /// <summary>A storage error answer as the Table service writes one, marked as an error so the SDK retries it.</summary>
    private sealed class SynthesisedResponse : Response
    {
        private readonly Dictionary<string, string> _headers;

        public SynthesisedResponse(int status, string reason, string errorCode, string message)
        {
            Status = status;
            ReasonPhrase = reason;
            var body = "{\"odata.error\":{\"code\":\"" + errorCode + "\",\"message\":{\"lang\":\"en-US\",\"value\":\"" + message + "\"}}}";
            ContentStream = new MemoryStream(Encoding.UTF8.GetBytes(body));
            _headers = new(StringComparer.OrdinalIgnoreCase)
            {
                ["Content-Type"] = "application/json;odata=minimalmetadata;streaming=true;charset=utf-8",
                ["x-ms-error-code"] = errorCode,
            };
        }

        public override int Status { get; }

        public override string ReasonPhrase { get; }

        public override Stream? ContentStream { get; set; }

        public override string ClientRequestId { get; set; } = "";

        public override bool IsError => true;

        public override void Dispose() => ContentStream?.Dispose();

        protected override bool ContainsHeader(string name) => _headers.ContainsKey(name);

        protected override IEnumerable<HttpHeader> EnumerateHeaders() => _headers.Select(h => new HttpHeader(h.Key, h.Value));

        protected override bool TryGetHeader(string name, [NotNullWhen(true)] out string? value) => _headers.TryGetValue(name, out value);

        protected override bool TryGetHeaderValues(string name, [NotNullWhen(true)] out IEnumerable<string>? values)
        {
            values = _headers.TryGetValue(name, out var value) ? [value] : null;
            return values is not null;
        }
    }
}
