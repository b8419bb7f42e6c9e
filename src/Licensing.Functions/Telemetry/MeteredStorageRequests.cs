namespace Licensing.Telemetry;

/// <summary>Counts every table storage request attempt with its status, as a pipeline policy of the table clients.</summary>
public sealed class MeteredStorageRequests(LicensingMetrics metrics) : HttpPipelinePolicy
{
    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        try
        {
            ProcessNext(message, pipeline);
        }
        finally
        {
            metrics.StorageRequest(message.HasResponse ? message.Response.Status : 0);
        }
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        try
        {
            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        }
        finally
        {
            metrics.StorageRequest(message.HasResponse ? message.Response.Status : 0);
        }
    }
}
