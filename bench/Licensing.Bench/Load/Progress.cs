using System.Diagnostics;
using System.Globalization;

namespace Licensing.Bench.Load;

/// <summary>A progress line every two seconds while something long runs, so a long run never looks hung.</summary>
public sealed class Progress : IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private Progress(Func<string> line)
    {
        _loop = LoopAsync(line, _stop.Token);
    }

    /// <summary>Prints <paramref name="line"/>'s text every <see cref="Interval"/> until disposed.</summary>
    public static Progress Start(Func<string> line) => new(line);

    /// <summary>The usual line of a load run: how far, how many, how fast, how many errors.</summary>
    public static Progress ForRun(string label, RunLimit limit, LiveCounters live)
    {
        var clock = Stopwatch.StartNew();
        var (lastSeconds, lastRequests) = (0.0, 0L);
        return new Progress(() =>
        {
            var (seconds, requests) = (clock.Elapsed.TotalSeconds, live.Requests);
            var now = seconds > lastSeconds ? (requests - lastRequests) / (seconds - lastSeconds) : 0;
            var average = seconds > 0 ? requests / seconds : 0;
            (lastSeconds, lastRequests) = (seconds, requests);
            return string.Create(CultureInfo.InvariantCulture,
                $"  [{label}] {limit.Fraction * 100,3:0}%  {seconds,6:0.0}s  {requests,9:N0} calls  now {now,7:N0}/s  avg {average,7:N0}/s  errors {live.Errors:N0}");
        });
    }

    public static void Say(string text) => Console.WriteLine(text);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }

    private static async Task LoopAsync(Func<string> line, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                Console.WriteLine(line());
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
