using Licensing.Client;
using Licensing.Tests.Support;

namespace Licensing.Tests.Client;

/// <summary>
/// The SDK's self-keeping floating lease against the real server, with the server and the SDK on one test clock: each
/// test moves time only once the lease waits on the clock, by exactly that wait, and awaits what the lease then does.
/// Every test has a server (and so a clock) of its own, so no wait of another test's lease is in the way.
/// </summary>
public sealed class FloatingLeaseTests
{
    private const int IntervalSeconds = 60;
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(IntervalSeconds);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>No jitter, so every heartbeat comes exactly one interval after the last.</summary>
    private static readonly LeaseOptions OnTheBeat = new() { Jitter = 0 };

    [Fact]
    public async Task A_lease_heartbeats_once_an_interval_and_holds_its_seat_long_after_its_first_expiry()
    {
        await using var server = await ServerFixture.StartAsync(_ => { });
        var license = await server.CreateLicenseAsync(mode: 2, seats: 1, heartbeatSeconds: IntervalSeconds);
        using var client = NewClient(server);
        await using var lease = await client.AcquireLeaseAsync(new ClientIdentity(license.UserKey, "sdk-machine", "app"), OnTheBeat);

        var wait = await server.Clock.NextWaitAsync();
        for (var beat = 1; beat <= 3; beat++)
        {
            Assert.Equal(Interval, wait);
            server.Clock.Advance(wait);
            wait = await server.Clock.NextWaitAsync();
            var other = await client.RequestAsync(new ClientIdentity(license.UserKey, "other-machine"));

            Assert.Equal(beat, lease.Heartbeats);
            Assert.Equal(LicenseReason.SeatsExhausted, other.Reason);
        }

        Assert.Equal(LeaseState.Active, lease.State);
        Assert.Equal(server.Clock.GetUtcNow() + Interval + Interval, lease.TokenExpireAt);
    }

    [Fact]
    public async Task An_admin_revoke_is_reported_as_lost_at_the_next_heartbeat_and_the_lease_stops_heartbeating()
    {
        await using var server = await ServerFixture.StartAsync(_ => { });
        var license = await server.CreateLicenseAsync(mode: 2, seats: 1, heartbeatSeconds: IntervalSeconds);
        using var client = NewClient(server);
        await using var lease = await client.AcquireLeaseAsync(new ClientIdentity(license.UserKey, "sdk-machine"), OnTheBeat);
        var lost = new TaskCompletionSource<LeaseLostEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        lease.Lost += (_, e) => lost.TrySetResult(e);
        var info = await client.InfoAsync(new ClientIdentity(license.UserKey, "sdk-machine"));
        var firstBeat = await server.Clock.NextWaitAsync();

        await server.AdminPostAsync($"v1/admin/licenses/{license.LicenseId}/tokens/revoke", new { token = info.LicenseTokens.Single().Token });
        var reportedBeforeTheBeat = lost.Task.IsCompleted;
        server.Clock.Advance(firstBeat);
        var reported = await lost.Task.WaitAsync(Patience);

        Assert.Equal(Interval, firstBeat);
        Assert.False(reportedBeforeTheBeat);
        Assert.Equal(LicenseReason.TokenRevoked, reported.Reason);
        Assert.Equal(LeaseState.Lost, lease.State);
        Assert.Equal(LicenseReason.TokenRevoked, lease.LostReason);
        Assert.Equal(0, lease.Heartbeats);
        Assert.False(server.Clock.HasWaitPending, "the lease still waits to heartbeat after it was lost");
    }

    [Fact]
    public async Task Disposing_the_lease_frees_the_seat_at_once()
    {
        await using var server = await ServerFixture.StartAsync(_ => { });
        var license = await server.CreateLicenseAsync(mode: 2, seats: 1, heartbeatSeconds: IntervalSeconds);
        using var client = NewClient(server);
        var lease = await client.AcquireLeaseAsync(new ClientIdentity(license.UserKey, "sdk-machine"));

        await lease.DisposeAsync();
        var other = await client.RequestAsync(new ClientIdentity(license.UserKey, "other-machine"));

        Assert.Equal(LeaseState.Released, lease.State);
        Assert.True(other.Granted, other.Message);
    }

    [Fact]
    public async Task An_outage_shorter_than_the_lease_is_retried_with_doubling_pauses_and_keeps_the_lease()
    {
        await using var server = await ServerFixture.StartAsync(_ => { });
        var license = await server.CreateLicenseAsync(mode: 2, seats: 1, heartbeatSeconds: IntervalSeconds);
        using var outage = new OutageHandler();
        using var client = NewClient(server, outage);
        await using var lease = await client.AcquireLeaseAsync(new ClientIdentity(license.UserKey, "sdk-machine"), OnTheBeat);
        var firstBeat = await server.Clock.NextWaitAsync();

        outage.Down = true;
        server.Clock.Advance(firstBeat);
        var firstRetry = await server.Clock.NextWaitAsync();
        server.Clock.Advance(firstRetry);
        var secondRetry = await server.Clock.NextWaitAsync();
        outage.Down = false;
        server.Clock.Advance(secondRetry);
        var nextBeat = await server.Clock.NextWaitAsync();
        var other = await client.RequestAsync(new ClientIdentity(license.UserKey, "other-machine"));

        Assert.Equal([Interval, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1), Interval], [firstBeat, firstRetry, secondRetry, nextBeat]);
        Assert.Equal(2, outage.Refused);
        Assert.Equal(1, lease.Heartbeats);
        Assert.Equal(LeaseState.Active, lease.State);
        Assert.Equal(server.Clock.GetUtcNow() + Interval + Interval, lease.TokenExpireAt);
        Assert.Equal(LicenseReason.SeatsExhausted, other.Reason);
    }

    [Fact]
    public async Task An_outage_longer_than_the_lease_is_retried_until_the_lease_lapses_then_reported_lost_with_why()
    {
        await using var server = await ServerFixture.StartAsync(_ => { });
        var license = await server.CreateLicenseAsync(mode: 2, seats: 1, heartbeatSeconds: IntervalSeconds);
        using var outage = new OutageHandler();
        using var client = NewClient(server, outage);
        await using var lease = await client.AcquireLeaseAsync(new ClientIdentity(license.UserKey, "sdk-machine"), OnTheBeat);
        var lapsesAt = lease.TokenExpireAt;
        var lost = new TaskCompletionSource<LeaseLostEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        lease.Lost += (_, e) => lost.TrySetResult(e);

        // The beat, then pauses doubling from 0.5 s up to a quarter interval, the last one cut short at the lapse.
        TimeSpan[] expected = [Interval, .. new[] { 0.5, 1, 2, 4, 8, 15, 15, 14.5 }.Select(TimeSpan.FromSeconds)];
        outage.Down = true;
        var waits = new List<TimeSpan>();
        for (var attempt = 0; attempt < expected.Length; attempt++)
        {
            waits.Add(await server.Clock.NextWaitAsync());
            server.Clock.Advance(waits[^1]);
        }

        var reported = await lost.Task.WaitAsync(Patience);

        Assert.Equal(expected, waits);
        Assert.Equal(lapsesAt, server.Clock.GetUtcNow());
        Assert.Equal(9, outage.Refused);
        Assert.Equal(LicenseReason.TokenExpired, reported.Reason);
        Assert.Contains("could not be reached", reported.Message, StringComparison.Ordinal);
        Assert.Equal(LeaseState.Lost, lease.State);
        Assert.False(server.Clock.HasWaitPending, "the lease still waits to heartbeat after it was lost");
    }

    [Fact]
    public async Task Acquiring_a_lease_on_a_full_license_throws_a_denial_with_its_reason()
    {
        await using var server = await ServerFixture.StartAsync(_ => { });
        var license = await server.CreateLicenseAsync(mode: 2, seats: 1, heartbeatSeconds: IntervalSeconds);
        using var client = NewClient(server);
        await using var holder = await client.AcquireLeaseAsync(new ClientIdentity(license.UserKey, "first"));

        var denied = await Assert.ThrowsAsync<LicensingException>(() => client.AcquireLeaseAsync(new ClientIdentity(license.UserKey, "second")));

        Assert.Equal(LicensingErrorKind.Denied, denied.Kind);
        Assert.Equal(LicenseReason.SeatsExhausted, denied.Reason);
    }

    private static LicensingClient NewClient(ServerFixture server, HttpMessageHandler? handler = null) =>
        new(handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false),
            new LicensingClientOptions { BaseAddress = server.Http.BaseAddress, ApiKey = server.ClientKey },
            server.Clock);

    /// <summary>The network between the app and the server: while Down, every request fails as a refused connection would.</summary>
    private sealed class OutageHandler() : DelegatingHandler(new HttpClientHandler())
    {
        private int _refused;

        public volatile bool Down;

        public int Refused => Volatile.Read(ref _refused);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (Down)
            {
                Interlocked.Increment(ref _refused);
                throw new HttpRequestException("Connection refused (simulated outage)");
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
