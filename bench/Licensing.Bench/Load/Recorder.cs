using System.Diagnostics;
using HdrHistogram;
using Licensing.Bench.Results;

namespace Licensing.Bench.Load;

/// <summary>Live totals the progress line reads while a run goes on.</summary>
public sealed class LiveCounters
{
    private long _requests;
    private long _errors;

    public long Requests => Interlocked.Read(ref _requests);
    public long Errors => Interlocked.Read(ref _errors);

    public void Add(bool error)
    {
        Interlocked.Increment(ref _requests);
        if (error)
        {
            Interlocked.Increment(ref _errors);
        }
    }
}

/// <summary>
/// One client's measurements, per endpoint: latency in microseconds (HdrHistogram, 3 significant digits, up to
/// one minute), answers by status, outcomes by name. One per worker, so recording takes no lock; merged at the end.
/// </summary>
public sealed class Recorder(LiveCounters live)
{
    public const long HighestMicros = 60_000_000;

    private readonly Dictionary<string, EndpointRecorder> _endpoints = new(StringComparer.Ordinal);

    /// <summary>Records one call that started at <paramref name="startTimestamp"/> (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    public void Record(string endpoint, long startTimestamp, int status, string? outcome = null)
    {
        var micros = (long)Stopwatch.GetElapsedTime(startTimestamp).TotalMicroseconds;
        if (!_endpoints.TryGetValue(endpoint, out var recorder))
        {
            recorder = new EndpointRecorder();
            _endpoints[endpoint] = recorder;
        }

        recorder.Histogram.RecordValue(Math.Clamp(micros, 1, HighestMicros));
        var error = status is < 200 or > 299;
        if (error)
        {
            var key = status == 0 ? "exception" : status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            recorder.Errors[key] = recorder.Errors.GetValueOrDefault(key) + 1;
        }

        if (outcome is not null)
        {
            recorder.Outcomes[outcome] = recorder.Outcomes.GetValueOrDefault(outcome) + 1;
        }

        live.Add(error);
    }

    /// <summary>Every worker's measurements added up, per endpoint, over a run of <paramref name="elapsed"/>.</summary>
    public static List<EndpointResult> Merge(IEnumerable<Recorder> recorders, TimeSpan elapsed)
    {
        var merged = new SortedDictionary<string, EndpointRecorder>(StringComparer.Ordinal);
        foreach (var (name, part) in recorders.SelectMany(r => r._endpoints))
        {
            if (!merged.TryGetValue(name, out var total))
            {
                total = new EndpointRecorder();
                merged[name] = total;
            }

            total.Histogram.Add(part.Histogram);
            foreach (var (key, count) in part.Errors)
            {
                total.Errors[key] = total.Errors.GetValueOrDefault(key) + count;
            }

            foreach (var (key, count) in part.Outcomes)
            {
                total.Outcomes[key] = total.Outcomes.GetValueOrDefault(key) + count;
            }
        }

        return merged.Select(e => e.Value.Result(e.Key, elapsed)).ToList();
    }

    private sealed class EndpointRecorder
    {
        public LongHistogram Histogram { get; } = new(1, HighestMicros, 3);
        public SortedDictionary<string, long> Errors { get; } = new(StringComparer.Ordinal);
        public SortedDictionary<string, long> Outcomes { get; } = new(StringComparer.Ordinal);

        public EndpointResult Result(string name, TimeSpan elapsed)
        {
            var count = Histogram.TotalCount;
            return new EndpointResult
            {
                Name = name,
                Requests = count,
                RequestsPerSecond = elapsed > TimeSpan.Zero ? Math.Round(count / elapsed.TotalSeconds, 1) : 0,
                LatencyMs = new LatencyMs
                {
                    P50 = Ms(Histogram.GetValueAtPercentile(50)),
                    P95 = Ms(Histogram.GetValueAtPercentile(95)),
                    P99 = Ms(Histogram.GetValueAtPercentile(99)),
                    Max = Ms(Histogram.GetMaxValue()),
                    Mean = count == 0 ? 0 : Math.Round(Histogram.GetMean() / 1000.0, 3),
                },
                Errors = new Dictionary<string, long>(Errors, StringComparer.Ordinal),
                Outcomes = new Dictionary<string, long>(Outcomes, StringComparer.Ordinal),
            };
        }

        private static double Ms(long micros) => Math.Round(micros / 1000.0, 3);
    }
}
