using Azure;

namespace Licensing.Bench.Scenarios.Soak;

/// <summary>What a storage call throws when storage is away: the SDK's failures, its retries given up, a network timeout.</summary>
public static class StorageFailure
{
    public static bool Is(Exception ex) => ex switch
    {
        RequestFailedException or HttpRequestException or IOException or TimeoutException or OperationCanceledException => true,
        AggregateException all => all.InnerExceptions.All(Is),
        _ => false,
    };
}
