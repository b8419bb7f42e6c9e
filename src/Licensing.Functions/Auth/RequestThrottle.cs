namespace Licensing.Auth;

/// <summary>
/// Per-instance limits: calls per API key and per client address (token buckets, a second's worth of burst), and
/// wrong API keys per address per minute, after which that address's unknown keys are refused until its budget refills
/// (keys the instance already knows are still served, so one broken client behind a NAT locks nobody else out). The
/// buckets fill on the app's clock.
/// </summary>
public sealed partial class RequestThrottle
{
    private readonly TokenBuckets? _perKey;
    private readonly TokenBuckets? _perAddress;
    private readonly TokenBuckets? _failedKeys;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _blockedUntil = new(StringComparer.Ordinal);
    private readonly TimeProvider _clock;
    private readonly ILogger<RequestThrottle> _logger;

    public RequestThrottle(IOptions<LicensingOptions> options, TimeProvider clock, ILogger<RequestThrottle> logger)
    {
        var settings = options.Value;
        _clock = clock;
        _logger = logger;
        _perKey = Buckets(settings.RateLimitPerKey, TimeSpan.FromSeconds(1), clock);
        _perAddress = Buckets(settings.RateLimitPerAddress, TimeSpan.FromSeconds(1), clock);
        _failedKeys = Buckets(settings.FailedKeyLimitPerAddress, TimeSpan.FromMinutes(1), clock);
    }

    /// <summary>A call from this address may go on (it is neither refused for wrong keys nor over its rate); otherwise how long to wait.</summary>
    public bool AllowAddress(string address, out TimeSpan retryAfter) =>
        !IsRefused(address, out retryAfter) && AllowAddressRate(address, out retryAfter);

    /// <summary>
    /// The address is over its wrong-key budget: keys this instance does not already know get 429 until
    /// <paramref name="retryAfter"/> has passed.
    /// </summary>
    public bool IsRefused(string address, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (!_blockedUntil.TryGetValue(address, out var until))
        {
            return false;
        }

        retryAfter = until - _clock.GetUtcNow();
        if (retryAfter > TimeSpan.Zero)
        {
            return true;
        }

        _blockedUntil.TryRemove(address, out _);
        retryAfter = TimeSpan.Zero;
        return false;
    }

    /// <summary>The address's calls per second allow one more; otherwise how long to wait.</summary>
    public bool AllowAddressRate(string address, out TimeSpan retryAfter) => Acquire(_perAddress, address, out retryAfter);

    /// <summary>A call with this key may go on; otherwise how long to wait.</summary>
    public bool AllowKey(string keyId, out TimeSpan retryAfter) => Acquire(_perKey, keyId, out retryAfter);

    /// <summary>
    /// Counts a wrong key against its address and logs it (never the key itself). True when the address is now
    /// past its budget: it is refused until the budget refills.
    /// </summary>
    public bool WrongKey(string address, string path, out TimeSpan retryAfter)
    {
        var throttled = !Acquire(_failedKeys, address, out retryAfter);
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

    private static TokenBuckets? Buckets(int perPeriod, TimeSpan period, TimeProvider clock) =>
        perPeriod <= 0 ? null : new TokenBuckets(perPeriod, period, clock);

    private static bool Acquire(TokenBuckets? buckets, string partition, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        return buckets is null || buckets.TryTake(partition, out retryAfter);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Wrong API key from {Address} on {Path}; throttled: {Throttled}")]
    private static partial void LogWrongKey(ILogger logger, string address, string path, bool throttled);
}
