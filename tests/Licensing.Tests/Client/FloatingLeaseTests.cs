using System.Diagnostics;
using Licensing.Client;
using Licensing.Tests.Support;

namespace Licensing.Tests.Client;

/// <summary>The SDK's self-keeping floating lease against the real server, in real time (short heartbeat intervals).</summary>
public sealed class FloatingLeaseTests(RealClockServerFixture server) : IClassFixture<RealClockServerFixture>
{
    [Fact]
    public async Task A_lease_stays_alive_across_three_heartbeat_intervals_and_holds_its_seat_throughout()
    {
        var license = await server.CreateLicenseAsync(mode: 2, seats: 1, heartbeatSeconds: 1);
        using var client = NewClient();

        await using var lease = await client.AcquireLeaseAsync(new ClientIdentity(license.UserKey, "sdk-machine", "app"));
        for (var second = 0; second < 4; second++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            var other = await client.RequestAsync(new ClientIdentity(license.UserKey, "other-machine"));
            Assert.Equal(LicenseReason.SeatsExhausted, other.Reason);
        }

        Assert.Equal(LeaseState.Active, lease.State);
        Assert.True(lease.Heartbeats >= 3, $"only {lease.Heartbeats} heartbeats in four seconds");
        Assert.True(lease.TokenExpireAt > DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task An_admin_revoke_is_reported_as_lost_within_one_heartbeat_interval()
    {
        var license = await server.CreateLicenseAsync(mode: 2, seats: 1, heartbeatSeconds: 2);
        using var client = NewClient();
        await using var lease = await client.AcquireLeaseAsync(new ClientIdentity(license.UserKey, "sdk-machine"));
        var lost = new TaskCompletionSource<LeaseLostEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        lease.Lost += (_, e) => lost.TrySetResult(e);
        var info = await client.InfoAsync(new ClientIdentity(license.UserKey, "sdk-machine"));

        var clock = Stopwatch.StartNew();
        await server.AdminPostAsync($"v1/admin/licenses/{license.LicenseId}/tokens/revoke", new { token = info.LicenseTokens.Single().Token });
        var reported = await lost.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2) + TimeSpan.FromSeconds(1.5), $"reported after {clock.Elapsed}");
        Assert.Equal(LicenseReason.TokenRevoked, reported.Reason);
        Assert.Equal(LeaseState.Lost, lease.State);
        Assert.Equal(LicenseReason.TokenRevoked, lease.LostReason);
    }

    [Fact]
    public async Task Disposing_the_lease_frees_the_seat_at_once()
    {
        var license = await server.CreateLicenseAsync(mode: 2, seats: 1, heartbeatSeconds: 60);
        using var client = NewClient();
        var lease = await client.AcquireLeaseAsync(new ClientIdentity(license.UserKey, "sdk-machine"));

        await lease.DisposeAsync();
        var other = await client.RequestAsync(new ClientIdentity(license.UserKey, "other-machine"));

        Assert.Equal(LeaseState.Released, lease.State);
        Assert.True(other.Granted, other.Message);
    }

    [Fact]
    public async Task An_outage_shorter_than_the_grace_keeps_the_lease()
    {
        var license = await server.CreateLicenseAsync(mode: 2, seats: 1, heartbeatSeconds: 2);
        using var outage = new OutageHandler();
        using var client = NewClient(outage);
        await using var lease = await client.AcquireLeaseAsync(new ClientIdentity(license.UserKey, "sdk-machine"));
        await Task.Delay(TimeSpan.FromSeconds(1));

        outage.Down = true;
        await Task.Delay(TimeSpan.FromSeconds(2));
        outage.Down = false;
        await Task.Delay(TimeSpan.FromSeconds(2.5));

        Assert.True(outage.Refused > 0, "the outage refused no heartbeat, so it proved nothing");
        Assert.Equal(LeaseState.Active, lease.State);
        var other = await client.RequestAsync(new ClientIdentity(license.UserKey, "other-machine"));
        Assert.Equal(LicenseReason.SeatsExhausted, other.Reason);
    }

    [Fact]
    public async Task An_outage_longer_than_the_grace_loses_the_lease_and_says_why()
    {
        var license = await server.CreateLicenseAsync(mode: 2, seats: 1, heartbeatSeconds: 1);
        using var outage = new OutageHandler();
        using var client = NewClient(outage);
        await using var lease = await client.AcquireLeaseAsync(new ClientIdentity(license.UserKey, "sdk-machine"));
        var lost = new TaskCompletionSource<LeaseLostEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        lease.Lost += (_, e) => lost.TrySetResult(e);

        outage.Down = true;
        var reported = await lost.Task.WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(LicenseReason.TokenExpired, reported.Reason);
        Assert.Contains("could not be reached", reported.Message, StringComparison.Ordinal);
        Assert.Equal(LeaseState.Lost, lease.State);
    }

    [Fact]
    public async Task Acquiring_a_lease_on_a_full_license_throws_a_denial_with_its_reason()
    {
        var license = await server.CreateLicenseAsync(mode: 2, seats: 1, heartbeatSeconds: 60);
        using var client = NewClient();
        await using var holder = await client.AcquireLeaseAsync(new ClientIdentity(license.UserKey, "first"));

        var denied = await Assert.ThrowsAsync<LicensingException>(() => client.AcquireLeaseAsync(new ClientIdentity(license.UserKey, "second")));

        Assert.Equal(LicensingErrorKind.Denied, denied.Kind);
        Assert.Equal(LicenseReason.SeatsExhausted, denied.Reason);
    }

    private LicensingClient NewClient(HttpMessageHandler? handler = null) =>
        new(handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false),
            new LicensingClientOptions { BaseAddress = server.Http.BaseAddress, ApiKey = server.ClientKey, Timeout = TimeSpan.FromSeconds(5) });

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
