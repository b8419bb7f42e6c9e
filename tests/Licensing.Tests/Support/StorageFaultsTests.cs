using Azure;
using Azure.Core;
using Azure.Data.Tables;

namespace Licensing.Tests.Support;

/// <summary>
/// The fault injector's error answers must behave as real storage answers do, or a test blames the app for the
/// injector's own quirks: the SDK disposes an answer when its call ends, and a real one's buffered body stays
/// readable after that (a caller logging <see cref="RequestFailedException.GetRawResponse"/> still can).
/// </summary>
public sealed class StorageFaultsTests
{
    [Fact]
    public async Task A_real_storage_error_answer_stays_readable_after_its_call_ended()
    {
        var table = MissingTable(policy: null);

        var failure = await Assert.ThrowsAsync<RequestFailedException>(() => table.GetEntityAsync<TableEntity>("p", "r"));

        Assert.Equal(404, failure.Status);
        Assert.Equal("TableNotFound", failure.ErrorCode);
        Assert.Contains("\"TableNotFound\"", ReadAfterDispose(failure), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(StorageFault.Busy503, 503, "ServerBusy")]
    [InlineData(StorageFault.Error500, 500, "InternalError")]
    public async Task An_injected_error_answer_stays_readable_after_its_call_ended_as_a_real_one_does(StorageFault kind, int status, string code)
    {
        var faults = new StorageFaults(seed: 1, rate: 1, kind);
        var table = MissingTable(faults);
        faults.Start();

        var failure = await Assert.ThrowsAsync<RequestFailedException>(() => table.GetEntityAsync<TableEntity>("p", "r"));

        Assert.Equal(1, faults.Injected(kind));
        Assert.Equal(status, failure.Status);
        Assert.Contains($"\"{code}\"", ReadAfterDispose(failure), StringComparison.Ordinal);
    }

    private static TableClient MissingTable(StorageFaults? policy)
    {
        var options = new TableClientOptions();
        options.Retry.MaxRetries = 0;
        if (policy is not null)
        {
            options.AddPolicy(policy, HttpPipelinePosition.PerRetry);
        }

        return new TableClient(TestStorage.ConnectionString, "missing" + Guid.NewGuid().ToString("N")[..12], options);
    }

    private static string ReadAfterDispose(RequestFailedException failure)
    {
        var answer = failure.GetRawResponse();
        Assert.NotNull(answer);
        answer.Dispose();
        return answer.Content.ToString();
    }
}
