using System.Collections.Concurrent;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Licensing.Bench.Results;

namespace Licensing.Bench.Infrastructure;

/// <summary>
/// Counts the table client's storage round trips per API call: the in-process server registers it through
/// <c>TablePipelineOptions.PerCallPolicies</c> (as the foundation's budget test does), a middleware opens a
/// <see cref="CallTally"/> per request, and the storage calls made while serving it add to that tally.
/// Lost ETag races are counted apart: a 412 on a single write, a 404/409/412 inside a transaction.
/// </summary>
public sealed class StorageCounter : HttpPipelinePolicy
{
    /// <summary>
    /// Storage requests a call may make by the budget test (API key cached). A call's reads are point reads sent
    /// together (the license row and its seat rows), so round trips of latency are one fewer than the requests for
    /// every call but validate (all reads, one round trip, plus a renewal for an activation).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, int> Budgets = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["heartbeat"] = 3, // 2 with the license cached; a miss (once per cache TTL per license) adds the license read
        ["validate"] = 4,
        ["request"] = 5, // 4, plus one read of lapsed leases when the license is full
        ["release"] = 3,
        ["activate"] = 3,
        ["deactivate"] = 4,
        ["floor:heartbeat"] = 2,
        ["floor:request"] = 4,
        ["floor:release"] = 3,
    };

    private readonly AsyncLocal<CallTally?> _current = new();
    private long _total;
    private readonly ConcurrentDictionary<string, EndpointStorage> _endpoints = new(StringComparer.Ordinal);
    private long _untracked;

    /// <summary>Every storage request counted since the counter was made, whichever call made it (a seat batch's leader serves many).</summary>
    public long Total => Interlocked.Read(ref _total);

    /// <summary>Storage calls made outside any tally (set-up, the timer run).</summary>
    public long Untracked => Interlocked.Read(ref _untracked);

    /// <summary>Opens the tally of one call on this async flow.</summary>
    public CallTally Begin(string endpoint)
    {
        var tally = new CallTally(endpoint);
        _current.Value = tally;
        return tally;
    }

    public void End(CallTally tally)
    {
        _current.Value = null;
        _endpoints.GetOrAdd(tally.Endpoint, name => new EndpointStorage(Budgets.TryGetValue(name, out var b) ? b : null)).Add(tally);
    }

    public Dictionary<string, StorageResult> Snapshot() =>
        _endpoints.ToDictionary(e => e.Key, e => e.Value.Result(), StringComparer.Ordinal);

    public void Reset()
    {
        _endpoints.Clear();
        Interlocked.Exchange(ref _untracked, 0);
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        try
        {
            ProcessNext(message, pipeline);
        }
        finally
        {
            Count(message);
        }
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        try
        {
            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        }
        finally
        {
            Count(message);
        }
    }

    private void Count(HttpMessage message)
    {
        var path = message.Request.Uri.Path;
        var apiKey = path.Contains("ApiKeys", StringComparison.Ordinal);
        var lostRace = message.HasResponse && IsLostRace(message.Response, path);
        Interlocked.Increment(ref _total);
        if (_current.Value is { } tally)
        {
            tally.Add(apiKey, lostRace);
        }
        else
        {
            Interlocked.Increment(ref _untracked);
        }
    }

    private static bool IsLostRace(Response response, string path)
    {
        if (response.Status == 412)
        {
            return true;
        }

        if (response.Status != 202 || !path.EndsWith("$batch", StringComparison.Ordinal))
        {
            return false;
        }

        // A failed transaction answers 202 with the failing action's status inside the multipart body.
        var body = response.Content.ToString();
        return body.Contains("HTTP/1.1 412", StringComparison.Ordinal)
               || body.Contains("HTTP/1.1 409", StringComparison.Ordinal)
               || body.Contains("HTTP/1.1 404", StringComparison.Ordinal);
    }

    /// <summary>The storage calls of one API call.</summary>
    public sealed class CallTally(string endpoint)
    {
        private int _roundTrips;
        private int _apiKeyReads;
        private int _lostRaces;

        public string Endpoint { get; } = endpoint;
        public int RoundTrips => Volatile.Read(ref _roundTrips);
        public int ApiKeyReads => Volatile.Read(ref _apiKeyReads);
        public int LostRaces => Volatile.Read(ref _lostRaces);

        internal void Add(bool apiKey, bool lostRace)
        {
            Interlocked.Increment(ref _roundTrips);
            if (apiKey)
            {
                Interlocked.Increment(ref _apiKeyReads);
            }

            if (lostRace)
            {
                Interlocked.Increment(ref _lostRaces);
            }
        }
    }

    private sealed class EndpointStorage(int? budget)
    {
        private readonly object _gate = new();
        private readonly SortedDictionary<int, long> _distribution = [];
        private long _calls;
        private long _roundTrips;
        private long _apiKeyReads;
        private long _lostRaces;
        private long _callsWithRetries;
        private long _maxWithoutRetry;
        private long _overBudget;

        public void Add(CallTally tally)
        {
            lock (_gate)
            {
                _calls++;
                _roundTrips += tally.RoundTrips;
                _apiKeyReads += tally.ApiKeyReads;
                _lostRaces += tally.LostRaces;
                var own = tally.RoundTrips - tally.ApiKeyReads;
                if (tally.LostRaces > 0)
                {
                    _callsWithRetries++;
                }
                else
                {
                    _distribution[own] = _distribution.GetValueOrDefault(own) + 1;
                    _maxWithoutRetry = Math.Max(_maxWithoutRetry, own);
                    if (budget is { } b && own > b)
                    {
                        _overBudget++;
                    }
                }
            }
        }

        public StorageResult Result()
        {
            lock (_gate)
            {
                return new StorageResult
                {
                    Calls = _calls,
                    RoundTrips = _roundTrips,
                    RoundTripsPerCall = _calls == 0 ? 0 : Math.Round((double)_roundTrips / _calls, 3),
                    Budget = budget,
                    LostEtagRaces = _lostRaces,
                    CallsWithRetries = _callsWithRetries,
                    ApiKeyReads = _apiKeyReads,
                    MaxWithoutRetry = _maxWithoutRetry,
                    OverBudgetWithoutRetry = _overBudget,
                    Distribution = _distribution.ToDictionary(d => d.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), d => d.Value),
                };
            }
        }
    }
}
