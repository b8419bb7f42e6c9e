using Azure.Core;
using Azure.Core.Pipeline;

namespace Licensing.Tests.Support;

/// <summary>
/// Holds each storage read (GET) until <c>parties</c> reads are in flight together, or a generous time passed:
/// reads sent in parallel all meet here at once; reads sent one after another wait out the time, one by one.
/// Records the most reads ever in flight together, so a test can tell parallel from sequential without timing.
/// </summary>
public sealed class ReadBarrier(int parties) : HttpPipelinePolicy
{
    // Reads a call sends in parallel are sent by one synchronous path microseconds apart, so a second is ample; every
    // read a call sends alone first waits it out, which is what made a budget test take most of a minute at 5 s.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(1);
    private readonly object _gate = new();
    private readonly int _defaultParties = parties;
    private int _parties = parties;
    private int _inFlight;
    private int _mostInFlight;
    private TaskCompletionSource _met = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _armed;

    public int MostInFlight
    {
        get
        {
            lock (_gate)
            {
                return _mostInFlight;
            }
        }
    }

    public void Arm() => Arm(_defaultParties);

    /// <summary>Holds the next reads until <paramref name="readsTogether"/> of them are in flight together.</summary>
    public void Arm(int readsTogether)
    {
        lock (_gate)
        {
            _parties = readsTogether;
            _armed = true;
            _mostInFlight = 0;
            _met = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public void Disarm()
    {
        lock (_gate)
        {
            _armed = false;
        }
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        throw new NotSupportedException("The server reads storage asynchronously.");

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Task? wait = null;
        lock (_gate)
        {
            if (_armed && message.Request.Method == RequestMethod.Get)
            {
                _inFlight++;
                _mostInFlight = Math.Max(_mostInFlight, _inFlight);
                if (_inFlight >= _parties)
                {
                    _met.TrySetResult();
                }

                wait = _met.Task;
            }
        }

        if (wait is not null)
        {
            await Task.WhenAny(wait, Task.Delay(Patience));
            lock (_gate)
            {
                _inFlight--;
            }
        }

        await ProcessNextAsync(message, pipeline);
    }
}
