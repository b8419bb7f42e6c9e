using Azure.Core;
using Azure.Core.Pipeline;
using Licensing.Storage;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Licensing.Tests.Storage;

/// <summary>The one-per-process table creation every store awaits first, shared by concurrent callers.</summary>
public sealed class StorageTablesTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_caller_that_gives_up_while_the_tables_are_created_does_not_cancel_the_creation_for_the_others()
    {
        var held = new HeldRequests();
        var pipeline = new TablePipelineOptions();
        pipeline.PerRetryPolicies.Add(held);
        var tables = ActivatorUtilities.CreateInstance<StorageTables>(server.Services, Options.Create(pipeline));
        using var givingUp = new CancellationTokenSource();

        var first = tables.EnsureCreatedAsync(givingUp.Token);
        var second = tables.EnsureCreatedAsync(CancellationToken.None);
        await givingUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        held.Release.SetResult();
        await second;

        Assert.True(second.IsCompletedSuccessfully);
        Assert.Equal(5, held.Sent);
    }

    /// <summary>Holds every storage request until released (or until its own call is cancelled).</summary>
    private sealed class HeldRequests : HttpPipelinePolicy
    {
        private int _sent;

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Sent => Volatile.Read(ref _sent);

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            await Release.Task.WaitAsync(message.CancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _sent);
            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        }
    }
}
