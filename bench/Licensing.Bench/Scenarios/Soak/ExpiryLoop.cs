using Azure;
using Licensing.Bench.Infrastructure;

namespace Licensing.Bench.Scenarios.Soak;

/// <summary>
/// The expiry timer's work (<c>LeaseExpiryService.RunAsync</c>) every couple of seconds, as the deployed timer runs it
/// every minute, so lapsed leases are ended by it as well as by grants. A run that fails on a storage error is
/// counted (while storage is away, or up but too slow to answer within the SDK's timeouts); a 4xx from storage with
/// storage up is a violation, and any other exception ends the soak.
/// </summary>
public sealed class ExpiryLoop(InProcessServer server, SoakTally tally, Func<bool> storageUp)
{
    private long _runs;
    private long _failed;
    private long _failedWithStorageUp;
    private long _ended;

    public long Runs => Interlocked.Read(ref _runs);
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Runs that failed although storage was up from their start to their end.</summary>
    public long FailedWithStorageUp => Interlocked.Read(ref _failedWithStorageUp);

    /// <summary>The first such failure, for the notes.</summary>
    public string? FirstFailureWithStorageUp { get; private set; }

    public long Ended => Interlocked.Read(ref _ended);

    public async Task RunAsync(TimeSpan every, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(every);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                var upAtStart = storageUp();
                var outagesBefore = tally.Outages.Count;
                try
                {
                    var run = await server.Expiry.RunAsync(stop).ConfigureAwait(false);
                    Interlocked.Increment(ref _runs);
                    Interlocked.Add(ref _ended, run.Lapsed);
                }
                catch (Exception ex) when (StorageFailure.Is(ex) && !stop.IsCancellationRequested)
                {
                    Interlocked.Increment(ref _failed);
                    if (!upAtStart || !storageUp() || tally.Outages.Count != outagesBefore)
                    {
                        continue;
                    }

                    Interlocked.Increment(ref _failedWithStorageUp);
                    FirstFailureWithStorageUp ??= $"{ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")}";
                    if (ex is RequestFailedException { Status: > 0 and < 500 } failed)
                    {
                        tally.Violation($"an expiry run failed with storage up: {failed.Status} {failed.ErrorCode}");
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }
}
