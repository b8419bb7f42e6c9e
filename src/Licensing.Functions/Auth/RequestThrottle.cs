using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Licensing.Settings;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Licensing.Auth;

/// <summary>
/// Per-instance limits: calls per API key and per client address (token buckets, a second's worth of burst), and
/// wrong API keys per address per minute, after which that address is refused until its budget refills.
/// </summary>
public sealed partial class RequestThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<string>? _perKey;
    private readonly PartitionedRateLimiter<string>? _perAddress;
    private readonly PartitionedRateLimiter<string>? _failedKeys;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _blockedUntil = new(StringComparer.Ordinal);
    private readonly TimeProvider _clock;
    private readonly ILogger<RequestThrottle> _logger;

    public RequestThrottle(IOptions<LicensingOptions> options, TimeProvider clock, ILogger<RequestThrottle> logger)
    {
        var settings = options.Value;
        _clock = clock;
        _logger = logger;
        _perKey = Buckets(settings.RateLimitPerKey, TimeSpan.FromSeconds(1));
        _perAddress = Buckets(settings.RateLimitPerAddress, TimeSpan.FromSeconds(1));
        _failedKeys = Buckets(settings.FailedKeyLimitPerAddress, TimeSpan.FromMinutes(1));
    }

    /// <summary>A call from this address may go on; otherwise how long to wait.</summary>
    public bool AllowAddress(string address, out TimeSpan retryAfter)
    {
        if (_blockedUntil.TryGetValue(address, out var until))
        {
            retryAfter = until - _clock.GetUtcNow();
            if (retryAfter > TimeSpan.Zero)
            {
                return false;
            }

            _blockedUntil.TryRemove(address, out _);
        }

        return Acquire(_perAddress, address, 1, out retryAfter);
    }

    /// <summary>A call with this key may go on; otherwise how long to wait.</summary>
    public bool AllowKey(string keyId, out TimeSpan retryAfter) => Acquire(_perKey, keyId, 1, out retryAfter);

    /// <summary>
    /// Counts a wrong key against its address and logs it (never the key itself). True when the address is now
    /// past its budget: it is refused until the budget refills.
    /// </summary>
    public bool WrongKey(string address, string path, out TimeSpan retryAfter)
    {
        var throttled = !Acquire(_failedKeys, address, 1, out retryAfter);
        if (throttled)
        {
            var now = _clock.GetUtcNow();
            if (_blockedUntil.Count > 10_000)
            {
                foreach (var expired in _blockedUntil.Where(b => b.Value <= now).Select(b => b.Key).ToList())
                {
                    _blockedUntil.TryRemove(expired, out _);
                }
            }

            retryAfter = retryAfter > TimeSpan.Zero ? retryAfter : TimeSpan.FromMinutes(1);
            _blockedUntil[address] = now + retryAfter;
        }

        LogWrongKey(_logger, address, path, throttled);
        return throttled;
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
