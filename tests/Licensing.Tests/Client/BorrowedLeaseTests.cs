using Licensing.Client;
using Licensing.Tests.Support;

namespace Licensing.Tests.Client;

/// <summary>
/// The SDK's lease.BorrowAsync against the real server, server and SDK on one test clock: a borrowed seat stops
/// heartbeating, stays held, and its token is served from the offline cache with no network until the borrow ends.
/// </summary>
public sealed class BorrowedLeaseTests : IDisposable
{
    private const int IntervalSeconds = 60;
    private static readonly LeaseOptions OnTheBeat = new() { Jitter = 0 };
    private readonly string _cacheFile = Path.Combine(Path.GetTempPath(), $"borrowed-{Guid.NewGuid():N}.jws");

    public void Dispose()
    {
        File.Delete(_cacheFile);
        File.Delete(_cacheFile + ".token");
    }

    [Fact]
    public async Task A_borrowed_lease_stops_heartbeating_stays_held_and_its_token_works_offline_until_the_borrow_ends()
    {
        await using var server = await ServerFixture.StartAsync(_ => { });
        var license = await server.CreateLicenseAsync(mode: 2, seats: 1, heartbeatSeconds: IntervalSeconds, extra: new { maxBorrowDuration = new { seconds = 3600, nanos = 0 } });
        using var client = NewClient(server);
        var cache = new OfflineLicenseCache(_cacheFile, server.Clock);
        await using var lease = await client.AcquireLeaseAsync(new ClientIdentity(license.UserKey, "laptop", "app"), OnTheBeat);
        await server.Clock.NextWaitAsync();
        var borrowedAt = server.Clock.GetUtcNow();

        var endsAt = await lease.BorrowAsync(TimeSpan.FromHours(8), cache);
        var waitingAfterBorrow = server.Clock.HasWaitPending;
        server.Clock.Advance(TimeSpan.FromSeconds(3 * IntervalSeconds));
        var other = await client.RequestAsync(new ClientIdentity(license.UserKey, "desktop"));
        var verifier = new LicenseVerifier(await client.GetKeysAsync(), TimeSpan.Zero, server.Clock);
        var offline = cache.TryLoadToken(verifier);
        server.Clock.Advance(endsAt - server.Clock.GetUtcNow());
        var ended = cache.TryLoadToken(verifier);

        Assert.Equal(borrowedAt + TimeSpan.FromHours(1), endsAt);
        Assert.Equal(LeaseState.Borrowed, lease.State);
        Assert.Equal(endsAt, lease.TokenExpireAt);
        Assert.Equal(0, lease.Heartbeats);
        Assert.False(waitingAfterBorrow, "the lease still waits to heartbeat after it was borrowed");
        Assert.Equal(LicenseReason.SeatsExhausted, other.Reason);
        Assert.NotNull(offline);
        Assert.Equal(license.LicenseId, offline.LicenseId);
        Assert.Equal(endsAt.ToUnixTimeSeconds(), offline.ExpiresAt!.Value.ToUnixTimeSeconds());
        Assert.Null(ended);
    }

    [Fact]
    public async Task A_borrowed_lease_returned_early_frees_its_seat_and_disposing_a_borrowed_lease_keeps_it()
    {
        await using var server = await ServerFixture.StartAsync(_ => { });
        var license = await server.CreateLicenseAsync(mode: 2, seats: 1, heartbeatSeconds: IntervalSeconds, extra: new { maxBorrowDuration = new { seconds = 3600, nanos = 0 } });
        using var client = NewClient(server);
        var kept = await client.AcquireLeaseAsync(new ClientIdentity(license.UserKey, "laptop"), OnTheBeat);
        await kept.BorrowAsync(TimeSpan.FromMinutes(30));

        await kept.DisposeAsync();
        var afterDispose = await client.RequestAsync(new ClientIdentity(license.UserKey, "desktop"));
        await kept.ReturnAsync();
        var afterReturn = await client.RequestAsync(new ClientIdentity(license.UserKey, "desktop"));

        Assert.Equal(LicenseReason.SeatsExhausted, afterDispose.Reason);
        Assert.Equal(LeaseState.Released, kept.State);
        Assert.True(afterReturn.Granted, afterReturn.Message);
    }

    [Fact]
    public async Task A_refused_borrow_throws_borrow_not_allowed_and_the_lease_goes_on_heartbeating()
    {
        await using var server = await ServerFixture.StartAsync(_ => { });
        var license = await server.CreateLicenseAsync(mode: 2, seats: 1, heartbeatSeconds: IntervalSeconds);
        using var client = NewClient(server);
        await using var lease = await client.AcquireLeaseAsync(new ClientIdentity(license.UserKey, "laptop"), OnTheBeat);
        var wait = await server.Clock.NextWaitAsync();

        var refused = await Assert.ThrowsAsync<LicensingException>(() => lease.BorrowAsync(TimeSpan.FromMinutes(30)));
        server.Clock.Advance(wait);
        await server.Clock.NextWaitAsync();

        Assert.Equal(LicenseReason.BorrowNotAllowed, refused.Reason);
        Assert.Equal(LeaseState.Active, lease.State);
        Assert.Equal(1, lease.Heartbeats);
    }

    private static LicensingClient NewClient(ServerFixture server) =>
        new(new HttpClient(), new LicensingClientOptions { BaseAddress = server.Http.BaseAddress, ApiKey = server.ClientKey }, server.Clock);
}
