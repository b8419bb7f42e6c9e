using Azure.Core;
using Azure.Core.Pipeline;

namespace Licensing.Tests.Support;

/// <summary>
/// Holds the next point read of one license's row until released, letting every other storage request through: a
/// call's parallel reads can then be made to straddle another call's commit, deterministically.
/// </summary>
public sealed class LicenseReadHold : HttpPipelinePolicy
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly object _gate = new();
    private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _licenseId;

    /// <summary>Holds the next read of <paramref name="licenseId"/>'s license row.</summary>
    public void Arm(string licenseId)
    {
        lock (_gate)
        {
            _licenseId = licenseId;
        }
    }

    /// <summary>Completes once the armed read is being held.</summary>
    public Task Held => _held.Task.WaitAsync(Patience);

    public void Release() => _released.TrySetResult();

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        throw new NotSupportedException("The server reads storage asynchronously.");

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var hold = false;
        lock (_gate)
        {
            var uri = Uri.UnescapeDataString(message.Request.Uri.ToString());
            if (_licenseId is not null && message.Request.Method == RequestMethod.Get
                && uri.Contains($"PartitionKey='{_licenseId}',RowKey='license')", StringComparison.Ordinal))
            {
                _licenseId = null;
                hold = true;
            }
        }

        if (hold)
        {
            _held.TrySetResult();
            await _released.Task.WaitAsync(Patience);
        }

        await ProcessNextAsync(message, pipeline);
    }
}
