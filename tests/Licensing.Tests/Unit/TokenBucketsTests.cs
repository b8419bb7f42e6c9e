using Licensing.Auth;
using Licensing.Tests.Support;

namespace Licensing.Tests.Unit;

/// <summary>The throttle's token buckets, on a test clock: they fill only as that clock moves.</summary>
public sealed class TokenBucketsTests
{
    [Fact]
    public void A_bucket_gives_its_capacity_then_says_exactly_how_long_until_it_is_full_again()
    {
        var clock = new TestClock();
        var buckets = new TokenBuckets(3, TimeSpan.FromSeconds(1), clock);

        var burst = Enumerable.Range(0, 3).Select(i => buckets.TryTake("key", out _)).ToList();
        clock.Advance(TimeSpan.FromMilliseconds(250));
        var overTheLimit = buckets.TryTake("key", out var retryAfter);
        clock.Advance(retryAfter);
        var refilled = Enumerable.Range(0, 3).Select(i => buckets.TryTake("key", out _)).ToList();
        var overAgain = buckets.TryTake("key", out var retryAfterAgain);

        Assert.Equal([true, true, true], burst);
        Assert.False(overTheLimit);
        Assert.Equal(TimeSpan.FromMilliseconds(750), retryAfter);
        Assert.Equal([true, true, true], refilled);
        Assert.False(overAgain);
        Assert.Equal(TimeSpan.FromSeconds(1), retryAfterAgain);
    }

    [Fact]
    public void Each_partition_has_a_bucket_of_its_own_and_one_left_alone_a_period_is_full_again()
    {
        var clock = new TestClock();
        var buckets = new TokenBuckets(2, TimeSpan.FromMinutes(1), clock);
        buckets.TryTake("spent", out _);
        buckets.TryTake("spent", out _);

        var spent = buckets.TryTake("spent", out _);
        var fresh = buckets.TryTake("fresh", out _);
        clock.Advance(TimeSpan.FromMinutes(5));
        var afterAWhile = Enumerable.Range(0, 3).Select(i => buckets.TryTake("spent", out _)).ToList();

        Assert.False(spent);
        Assert.True(fresh);
        Assert.Equal([true, true, false], afterAWhile);
    }
}
