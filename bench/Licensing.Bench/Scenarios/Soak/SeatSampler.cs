using Azure.Data.Tables;

namespace Licensing.Bench.Scenarios.Soak;

/// <summary>
/// Reads the stored state every few hundred milliseconds while storage is up and checks the seat invariants of every
/// license (<see cref="StoredState.Breaches"/>). A read that fails because storage just went away is not a sample.
/// </summary>
public sealed class SeatSampler(TableClient licenses, SoakTally tally, Func<bool> storageUp, TimeSpan every)
{
    private long _samples;
    private long _checks;
    private long _breaches;
    private long _failedReads;

    public long Samples => Interlocked.Read(ref _samples);

    /// <summary>License checks: samples × licenses.</summary>
    public long Checks => Interlocked.Read(ref _checks);
    public long Breaches => Interlocked.Read(ref _breaches);

    /// <summary>Reads that failed although storage was up when they started (around a stop or a restart).</summary>
    public long FailedReads => Interlocked.Read(ref _failedReads);

    public async Task RunAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(every);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                if (!storageUp())
                {
                    continue;
                }

                StoredState state;
                try
                {
                    state = await StoredState.ReadAsync(licenses, stop).ConfigureAwait(false);
                }
                catch (Exception ex) when (StorageFailure.Is(ex) && !stop.IsCancellationRequested)
                {
                    Interlocked.Increment(ref _failedReads);
                    continue;
                }

                Check(state, "sample");
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>Checks one stored state: adds to the counts, reports every breach.</summary>
    public void Check(StoredState state, string when)
    {
        Interlocked.Increment(ref _samples);
        Interlocked.Add(ref _checks, state.Licenses.Count);
        foreach (var breach in state.Breaches())
        {
            Interlocked.Increment(ref _breaches);
            tally.Violation($"{when} at {state.ReadAt:HH:mm:ss.fff}: {breach}");
        }
    }
}
