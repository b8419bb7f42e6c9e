using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Licensing.Tests.Support;

/// <summary>
/// Makes two workers that read the same rows read them in step: while armed, the first read (GET) of each address
/// is held, answer and all, until a second read of the same address has been answered too, or a generous time
/// passed. Two expiry-timer runs started together thus both see every row as it was before either of them wrote
/// it, which is the race their idempotence must survive; later reads of an address go through at once.
/// </summary>
public sealed class LockstepReads : HttpPipelinePolicy
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<string, Pair> _pairs = new(StringComparer.Ordinal);
    private volatile bool _armed;
    private int _unpaired;

    /// <summary>Reads that waited out <see cref="Patience"/> without a partner (for the test's output, never asserted).</summary>
    public int Unpaired => Volatile.Read(ref _unpaired);

    public void Arm() => _armed = true;

    public void Disarm() => _armed = false;

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        throw new NotSupportedException("The server reads storage asynchronously.");

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (!_armed || message.Request.Method != RequestMethod.Get)
        {
            await ProcessNextAsync(message, pipeline);
            return;
        }

        var pair = _pairs.GetOrAdd(message.Request.Uri.ToString(), _ => new Pair());
        var place = Interlocked.Increment(ref pair.Readers);
        await ProcessNextAsync(message, pipeline);
        if (place > 2)
        {
            return;
        }

        if (Interlocked.Increment(ref pair.Answered) == 2)
        {
            pair.Both.TrySetResult();
        }

        try
        {
            await pair.Both.Task.WaitAsync(Patience);
        }
        catch (TimeoutException)
        {
            Interlocked.Increment(ref _unpaired);
        }
    }

    private sealed class Pair
    {
        public readonly TaskCompletionSource Both = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Readers;
        public int Answered;
    }
}
