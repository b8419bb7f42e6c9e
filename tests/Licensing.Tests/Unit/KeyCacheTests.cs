using Licensing.Auth;
using Licensing.Storage;

namespace Licensing.Tests.Unit;

/// <summary>The API key cache: made-up key ids fill only their own part, which a flood clears without touching real keys.</summary>
public sealed class KeyCacheTests
{
    private static readonly DateTimeOffset Now = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_flood_of_unknown_ids_past_the_cap_leaves_a_known_key_remembered()
    {
        var cache = new KeyCache(maxUnknown: 3);
        var real = new ApiKeyRow("realkey234", "app", "client", null, Now, [1, 2, 3]);
        cache.Remember(real.Id, real, Now.AddMinutes(1));

        for (var i = 0; i < 10; i++)
        {
            cache.Remember($"unknown{i:D3}", null, Now.AddMinutes(1));
        }

        Assert.True(cache.TryGet(real.Id, Now, out var row));
        Assert.Same(real, row);
    }

    [Fact]
    public void Unknown_ids_are_remembered_as_naming_no_key_until_the_cap_clears_them()
    {
        var cache = new KeyCache(maxUnknown: 3);
        cache.Remember("unknown000", null, Now.AddMinutes(1));
        var rememberedBefore = cache.TryGet("unknown000", Now, out var before);

        cache.Remember("unknown001", null, Now.AddMinutes(1));
        cache.Remember("unknown002", null, Now.AddMinutes(1));
        cache.Remember("unknown003", null, Now.AddMinutes(1));

        Assert.True(rememberedBefore);
        Assert.Null(before);
        Assert.False(cache.TryGet("unknown000", Now, out _));
        Assert.True(cache.TryGet("unknown003", Now, out _));
    }

    [Fact]
    public void An_entry_is_forgotten_once_its_time_is_up()
    {
        var cache = new KeyCache(maxUnknown: 3);
        var real = new ApiKeyRow("realkey234", "app", "client", null, Now, [1, 2, 3]);
        cache.Remember(real.Id, real, Now.AddMinutes(1));

        Assert.True(cache.TryGet(real.Id, Now.AddSeconds(59), out _));
        Assert.False(cache.TryGet(real.Id, Now.AddMinutes(1), out _));
    }
}
