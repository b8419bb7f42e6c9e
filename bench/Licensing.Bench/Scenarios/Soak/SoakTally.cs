using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Licensing.Bench.Load;

namespace Licensing.Bench.Scenarios.Soak;

/// <summary>
/// What the soak saw, shared by its clients, its sampler and its outages: every violation (printed as it happens, the
/// first few), and for each outage its 503s and the first 200 after storage came back.
/// </summary>
public sealed class SoakTally
{
    private const int Printed = 20;
    private const int Kept = 200;

    private readonly ConcurrentQueue<string> _violations = new();
    private readonly List<Outage> _outages = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _violationCount;
    private long _unavailableOutsideOutages;
    private Outage? _current;

    public long ViolationCount => Interlocked.Read(ref _violationCount);

    /// <summary>The first violations, in order.</summary>
    public IReadOnlyCollection<string> Violations => _violations;

    /// <summary>503s to calls made and answered with storage up (outside every outage's window from SIGINT to the restart).</summary>
    public long UnavailableOutsideOutages => Interlocked.Read(ref _unavailableOutsideOutages);

    public IReadOnlyList<Outage> Outages
    {
        get
        {
            lock (_outages)
            {
                return [.. _outages];
            }
        }
    }

    public void Violation(string text)
    {
        var n = Interlocked.Increment(ref _violationCount);
        if (n <= Kept)
        {
            _violations.Enqueue(text);
        }

        if (n <= Printed)
        {
            Progress.Say(string.Create(CultureInfo.InvariantCulture, $"  VIOLATION at {_clock.Elapsed.TotalSeconds:0.0} s: {text}"));
        }
    }

    /// <summary>A client got 503 with Retry-After to a call it made at <paramref name="startTimestamp"/>: it counts to the outage it overlapped.</summary>
    public void Unavailable(long startTimestamp)
    {
        if (Outages.LastOrDefault(o => o.Overlaps(startTimestamp, Stopwatch.GetTimestamp())) is { } outage)
        {
            outage.AddUnavailable();
        }
        else
        {
            Interlocked.Increment(ref _unavailableOutsideOutages);
        }
    }

    /// <summary>A client got a 200 (every client call reads storage).</summary>
    public void Answered() => Volatile.Read(ref _current)?.Answered();

    /// <summary>Until the first 200 after the restart, a 200 may be this outage's first.</summary>
    public Outage BeginOutage(int number)
    {
        var outage = new Outage(number);
        lock (_outages)
        {
            _outages.Add(outage);
        }

        Volatile.Write(ref _current, outage);
        return outage;
    }

    public void EndOutage() => Volatile.Write(ref _current, null);
}

/// <summary>One stop and restart of storage, as the clients and the soak saw it.</summary>
public sealed class Outage(int number)
{
    private readonly TaskCompletionSource _sawUnavailable = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _answered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly long _beganAt = Stopwatch.GetTimestamp();
    private long _unavailable;
    private long _backAt;
    private long _firstAnswerAt;

    public int Number { get; } = number;

    public long Unavailable => Interlocked.Read(ref _unavailable);

    /// <summary>From SIGINT until Azurite exited.</summary>
    public double StopSeconds { get; set; }

    /// <summary>From Azurite's exit until it accepted connections again.</summary>
    public double DownSeconds { get; set; }

    /// <summary>Of the time down, how long the check on disk took (a second Azurite started, read and stopped).</summary>
    public double CheckpointSeconds { get; set; }

    /// <summary>Client records checked against the stored state right after the stop, and those left unchecked (a call without a definite answer).</summary>
    public int CheckpointVerified { get; set; }
    public int CheckpointUncertain { get; set; }

    /// <summary>From storage accepting connections again until the first 200 a client got; null when none came.</summary>
    public double? SecondsToFirst200
    {
        get
        {
            var (back, first) = (Interlocked.Read(ref _backAt), Interlocked.Read(ref _firstAnswerAt));
            return back == 0 || first == 0 ? null : Stopwatch.GetElapsedTime(back, first).TotalSeconds;
        }
    }

    public Task SawUnavailable => _sawUnavailable.Task;

    public Task FirstAnswer => _answered.Task;

    public void StorageBack() => Interlocked.Exchange(ref _backAt, Stopwatch.GetTimestamp());

    /// <summary>True for a call under way at some moment from SIGINT until storage accepted connections again.</summary>
    public bool Overlaps(long start, long end) =>
        end >= _beganAt && (Interlocked.Read(ref _backAt) is var back && (back == 0 || start < back));

    internal void AddUnavailable()
    {
        Interlocked.Increment(ref _unavailable);
        _sawUnavailable.TrySetResult();
    }

    internal void Answered()
    {
        // A 200 before the restart came from a call storage finished before it stopped: not a recovery.
        if (Interlocked.Read(ref _backAt) != 0 && Interlocked.CompareExchange(ref _firstAnswerAt, Stopwatch.GetTimestamp(), 0) == 0)
        {
            _answered.TrySetResult();
        }
    }
}
