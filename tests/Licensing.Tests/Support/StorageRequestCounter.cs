using Azure.Core;
using Azure.Core.Pipeline;

namespace Licensing.Tests.Support;

/// <summary>
/// Counts the table client's storage requests (each retry of the pipeline counts too; parallel reads count one each)
/// and, from the first <see cref="Reset"/> on, records each one and the round trips of latency they took: requests
/// in flight together are one round trip, a request sent when none is in flight starts the next.
/// </summary>
public sealed class StorageRequestCounter : HttpPipelinePolicy
{
    private readonly object _gate = new();
    private readonly List<StorageRequest> _requests = [];
    private int _count;
    private int _inFlight;
    private int _roundTrips;
    private bool _recording;

    public int Count => Volatile.Read(ref _count);

    /// <summary>Round trips of latency since the last <see cref="Reset"/>.</summary>
    public int RoundTrips
    {
        get
        {
            lock (_gate)
            {
                return _roundTrips;
            }
        }
    }

    /// <summary>The requests since the last <see cref="Reset"/>, in the order they were sent.</summary>
    public IReadOnlyList<StorageRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    public void Reset()
    {
        lock (_gate)
        {
            Interlocked.Exchange(ref _count, 0);
            _requests.Clear();
            _roundTrips = 0;
            _recording = true;
        }
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Begin(message);
        try
        {
            ProcessNext(message, pipeline);
        }
        finally
        {
            End();
        }
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Begin(message);
        try
        {
            await ProcessNextAsync(message, pipeline);
        }
        finally
        {
            End();
        }
    }

    private void Begin(HttpMessage message)
    {
        Interlocked.Increment(ref _count);
        lock (_gate)
        {
            if (_inFlight++ == 0)
            {
                _roundTrips++;
            }

            if (_recording)
            {
                _requests.Add(new StorageRequest(message.Request.Method.Method, message.Request.Uri.ToUri()));
            }
        }
    }

    private void End()
    {
        lock (_gate)
        {
            _inFlight--;
        }
    }
}

/// <summary>One storage request: its method and address, read as the Table service's REST API names things.</summary>
public sealed record StorageRequest(string Method, Uri Uri)
{
    private const string PointReadKeys = "(PartitionKey='";

    /// <summary>The last path segment up to its keys: a table's name (with its prefix), or <c>$batch</c> for a transaction.</summary>
    public string Target
    {
        get
        {
            var segment = Uri.UnescapeDataString(Uri.Segments[^1]);
            var keys = segment.IndexOf('(', StringComparison.Ordinal);
            return keys < 0 ? segment : segment[..keys];
        }
    }

    /// <summary>A GET of one entity by its keys, <c>Table(PartitionKey='…',RowKey='…')</c>, never a query.</summary>
    public bool IsPointRead =>
        Method == "GET"
        && Uri.UnescapeDataString(Uri.Segments[^1]).Contains(PointReadKeys, StringComparison.Ordinal)
        && !Uri.UnescapeDataString(Uri.Query).Contains("$filter", StringComparison.Ordinal);

    /// <summary>The partition key of a point read or single-entity write, else null.</summary>
    public string? PartitionKey => Key("PartitionKey");

    /// <summary>The row key of a point read or single-entity write, else null.</summary>
    public string? RowKey => Key("RowKey");

    public override string ToString() => $"{Method} {Uri.UnescapeDataString(Uri.PathAndQuery)}";

    private string? Key(string name)
    {
        var segment = Uri.UnescapeDataString(Uri.Segments[^1]);
        var start = segment.IndexOf(name + "='", StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        start += name.Length + 2;
        var end = segment.IndexOf('\'', start);
        return end < 0 ? null : segment[start..end];
    }
}
