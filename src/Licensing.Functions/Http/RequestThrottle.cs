using System.Threading.RateLimiting;
using Licensing.Settings;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Licensing.Http;

/// <summary>
/// Per-instance limits: calls per API key and per client address (token buckets, a second's worth of burst), and
/// wrong API keys per address per minute, after which that address is refused until its budget refills.
/// </summary>
public sealed partial class RequestThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<string>? _perKey;
    private readonly PartitionedRateLimiter<string>? _perAddress;
    private readonly PartitionedRateLimiter<string>? _failedKeys;
    private readonly ILogger<RequestThrottle> _logger;

    public RequestThrottle(IOptions<LicensingOptions> options, ILogger<RequestThrottle> logger)
    {
        var settings = options.Value;
        _logger = logger;
        _perKey = Buckets(settings.RateLimitPerKey, TimeSpan.FromSeconds(1));
        _perAddress = Buckets(settings.RateLimitPerAddress, TimeSpan.FromSeconds(1));
        _failedKeys = Buckets(settings.FailedKeyLimitPerAddress, TimeSpan.FromMinutes(1));
    }

    /// <summary>A call from this address may go on; otherwise how long to wait.</summary>
    public bool AllowAddress(string address, out TimeSpan retryAfter) =>
        Acquire(_perAddress, address, 1, out retryAfter) && Acquire(_failedKeys, address, 0, out retryAfter);

    /// <summary>A call with this key may go on; otherwise how long to wait.</summary>
    public bool AllowKey(string keyId, out TimeSpan retryAfter) => Acquire(_perKey, keyId, 1, out retryAfter);

    /// <summary>Counts a wrong key against its address, and logs it (never the key itself).</summary>
    public void WrongKey(string address, string path)
    {
        var throttled = !Acquire(_failedKeys, address, 1, out _);
        LogWrongKey(_logger, address, path, throttled);
    }

    public void Dispose()
    {
        _perKey?.Dispose();
        _perAddress?.Dispose();
        _failedKeys?.Dispose();
    }

    private static PartitionedRateLimiter<string>? Buckets(int perPeriod, TimeSpan period) =>
        perPeriod <= 0
            ? null
            : PartitionedRateLimiter.Create<string, string>(partition => RateLimitPartition.GetTokenBucketLimiter(partition, _ =>
                new TokenBucketRateLimiterOptions
                {
                    TokenLimit = perPeriod,
                    TokensPerPeriod = perPeriod,
                    ReplenishmentPeriod = period,
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));

    private static bool Acquire(PartitionedRateLimiter<string>? limiter, string partition, int permits, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (limiter is null)
        {
            return true;
        }

        using var lease = limiter.AttemptAcquire(partition, permits);
        if (lease.IsAcquired)
        {
            return true;
        }

        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        return false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Wrong API key from {Address} on {Path}; throttled: {Throttled}")]
    private static partial void LogWrongKey(ILogger logger, string address, string path, bool throttled);
}
