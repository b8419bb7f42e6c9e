using Azure.Core;
using Azure.Core.Pipeline;

namespace Licensing.Tests.Support;

/// <summary>
/// A storage fault inside the SDK's retries: the next transaction ($batch) reaches storage and commits, then its
/// response is lost on the way back, as a dropped connection would lose it; the SDK then retries the same batch.
/// Another write can be chosen instead of transactions with <paramref name="committed"/>.
/// </summary>
/// <param name="committed">Which answered request's answer to lose; by default a transaction answered 202.</param>
public sealed class LostResponseAfterCommit(Func<HttpMessage, bool>? committed = null) : HttpPipelinePolicy
{
    private readonly Func<HttpMessage, bool> _committed = committed ?? IsCommittedTransaction;

    private int _armed;
    private int _fired;

    public int Fired => Volatile.Read(ref _fired);

    public void ArmOnce() => Interlocked.Exchange(ref _armed, 1);

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        ProcessNext(message, pipeline);
        LoseIfArmed(message);
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        await ProcessNextAsync(message, pipeline);
        LoseIfArmed(message);
    }

    private void LoseIfArmed(HttpMessage message)
    {
        if (_committed(message) && Interlocked.Exchange(ref _armed, 0) == 1)
        {
            Interlocked.Increment(ref _fired);
            throw new IOException("Connection reset after the write committed (injected).");
        }
    }

    private static bool IsCommittedTransaction(HttpMessage message) =>
        message.Request.Uri.Path.EndsWith("$batch", StringComparison.Ordinal) && message.Response.Status == 202;
}
