using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace Licensing.Tests.Support;

/// <summary>
/// The one clock of a test, handed to the server and to the SDK alike: it stands still until the test moves it
/// (<see cref="FakeTimeProvider.Advance"/>), and timers and delays on it fire only then. It starts at a fixed, ordinary
/// date, and it tells the test each wait someone starts on it, so a test moves time only once the wait is in place.
/// </summary>
public sealed class TestClock : FakeTimeProvider
{
    public static readonly DateTimeOffset StartsAt = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    /// <summary>How long a test waits, in real time, for a wait it expects before it fails instead of hanging.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly Channel<TimeSpan> _waits = Channel.CreateUnbounded<TimeSpan>();

    public TestClock()
        : this(StartsAt)
    {
    }

    public TestClock(DateTimeOffset startsAt)
        : base(startsAt)
    {
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _waits.Writer.TryWrite(dueTime);
        return timer;
    }

    /// <summary>The length of the next wait started on this clock (a delay or a timer), once it is in place.</summary>
    public async Task<TimeSpan> NextWaitAsync()
    {
        using var patience = new CancellationTokenSource(Patience);
        try
        {
            return await _waits.Reader.ReadAsync(patience.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No wait was started on the test clock within {Patience.TotalSeconds:0} s.");
        }
    }

    /// <summary>Whether a wait was started that <see cref="NextWaitAsync"/> has not returned yet.</summary>
    public bool HasWaitPending => _waits.Reader.Count > 0;
}
