using Licensing.Client;
using Licensing.Tests.Metering;
using Licensing.Tests.Support;

namespace Licensing.Tests.Client;

/// <summary>
/// The SDK's UsageRecorder against the real server: a use whose answer is lost is retried under the same event id and
/// counted once; uses made while the server is unreachable wait on disk, survive a restart, and are sent in a batch,
/// each counted once.
/// </summary>
public sealed class UsageRecorderTests(ServerFixture server) : IClassFixture<ServerFixture>, IDisposable
{
    private const int Activation = 1;
    private readonly string _queue = Path.Combine(Path.GetTempPath(), $"usage-queue-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_queue))
        {
            Directory.Delete(_queue, recursive: true);
        }
    }

    [Fact]
    public async Task A_use_whose_answer_was_lost_is_retried_by_the_sdk_with_its_event_id_and_counted_once()
    {
        var license = await MeteredLicenseAsync();
        var network = new FlakyNetwork();
        using var client = NewClient(network);
        using var recorder = new UsageRecorder(client, new ClientIdentity(license.UserKey, "pc-1"), _queue);
        network.LoseNextAnswer();

        var result = await recorder.RecordUsageAsync("exports", 7);

        Assert.Equal(1, network.AnswersLost);
        Assert.False(result.Queued);
        Assert.Equal((true, 7L, 93L, true), (result.Answer!.Recorded, result.Answer.Used, result.Answer.Remaining, result.Answer.Duplicate));
        Assert.Equal(7L, await UsageAsserts.StoredUsedAsync(server, license.LicenseId, "exports"));
        var ledger = Assert.Single(await UsageAsserts.StoredLedgerAsync(server, license.LicenseId));
        Assert.Equal("ledger|" + result.Use.EventId, ledger.RowKey);
        Assert.Equal(0, recorder.Pending);
    }

    [Fact]
    public async Task Uses_made_offline_wait_on_disk_through_a_restart_and_are_sent_in_a_batch_each_counted_once()
    {
        var license = await MeteredLicenseAsync();
        var identity = new ClientIdentity(license.UserKey, "pc-1");
        var network = new FlakyNetwork();
        List<UsageResult> offline = [];
        using (var client = NewClient(network))
        using (var recorder = new UsageRecorder(client, identity, _queue, tries: 1))
        {
            network.LoseNextAnswer(); // reaches the server, is counted, and the answer never comes back
            offline.Add(await recorder.RecordUsageAsync("exports", 5));
            network.Down = true;
            offline.Add(await recorder.RecordUsageAsync("exports", 3));
            offline.Add(await recorder.RecordUsageAsync("exports", 2));
            Assert.Equal(3, recorder.Pending);
        }

        network.Down = false;
        using var restarted = NewClient(network);
        using var afterRestart = new UsageRecorder(restarted, identity, _queue);
        var sent = await afterRestart.FlushAsync();
        var again = await afterRestart.FlushAsync();

        Assert.All(offline, r => Assert.True(r.Queued));
        Assert.Equal(3, sent.Count);
        Assert.Equal(
            [(true, 5L, true), (true, 8L, false), (true, 10L, false)],
            sent.Select(a => (a.Recorded, a.Used, a.Duplicate)));
        Assert.Empty(again);
        Assert.Equal(0, afterRestart.Pending);
        Assert.Equal(10L, await UsageAsserts.StoredUsedAsync(server, license.LicenseId, "exports"));
        Assert.Equal(
            offline.Select(r => "ledger|" + r.Use.EventId).Order(StringComparer.Ordinal),
            (await UsageAsserts.StoredLedgerAsync(server, license.LicenseId)).Select(r => r.RowKey).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Uses_made_while_the_server_is_unreachable_are_queued_on_disk_and_after_a_restart_sent_over_http_each_counted_once()
    {
        var license = await MeteredLicenseAsync();
        var identity = new ClientIdentity(license.UserKey, "pc-1");
        List<UsageResult> offline = [];
        using (var unreachable = new LicensingClient(new HttpClient(), new LicensingClientOptions { BaseAddress = ClosedLoopbackUrl(), ApiKey = server.ClientKey }, server.Clock))
        using (var recorder = new UsageRecorder(unreachable, identity, _queue, tries: 2, clock: server.Clock))
        {
            foreach (var amount in new[] { 5, 3, 2 })
            {
                offline.Add(await recorder.RecordUsageAsync("exports", amount));
                server.Clock.Advance(TimeSpan.FromSeconds(1));
            }
        }

        var keptOnDisk = Directory.GetFiles(_queue).Select(f => System.Text.Json.JsonDocument.Parse(File.ReadAllText(f)).RootElement.GetProperty("eventId").GetString()).ToList();
        using var reachable = new LicensingClient(new HttpClient(), new LicensingClientOptions { BaseAddress = server.Http.BaseAddress, ApiKey = server.ClientKey }, server.Clock);
        using var afterRestart = new UsageRecorder(reachable, identity, _queue, clock: server.Clock);
        var online = await afterRestart.RecordUsageAsync("exports", 1);
        var flushedAgain = await afterRestart.FlushAsync();

        Assert.Equal([true, true, true], offline.Select(r => r.Queued));
        Assert.Equal(offline.Select(r => r.Use.EventId).Order(StringComparer.Ordinal), keptOnDisk.Order(StringComparer.Ordinal));
        Assert.Equal((true, 1L, 99L, false), (online.Answer!.Recorded, online.Answer.Used, online.Answer.Remaining, online.Answer.Duplicate));
        Assert.Empty(flushedAgain);
        Assert.Equal(0, afterRestart.Pending);
        Assert.Equal(11L, await UsageAsserts.StoredUsedAsync(server, license.LicenseId, "exports"));
        var ledger = await UsageAsserts.StoredLedgerAsync(server, license.LicenseId);
        Assert.Equal(4, ledger.Count);
        Assert.Equal(
            offline.Append(online).Select(r => ("ledger|" + r.Use.EventId, r.Use.Amount)).OrderBy(k => k.Item1, StringComparer.Ordinal),
            ledger.Select(r => (r.RowKey, r.GetInt64("Amount") ?? 0)).OrderBy(k => k.RowKey, StringComparer.Ordinal));
        Assert.Equal([6L, 9L, 11L], ledger.Where(r => r.RowKey != "ledger|" + online.Use.EventId).Select(r => r.GetInt64("Used") ?? 0).Order());
    }

    [Fact]
    public async Task A_use_the_server_could_never_take_is_refused_before_it_is_queued()
    {
        var license = await MeteredLicenseAsync();
        using var client = NewClient(new FlakyNetwork { Down = true });
        using var recorder = new UsageRecorder(client, new ClientIdentity(license.UserKey, "pc-1"), _queue);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => recorder.RecordUsageAsync("exports", 0));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => recorder.RecordUsageAsync("exports", 1_000_001));
        await Assert.ThrowsAsync<ArgumentException>(() => recorder.RecordUsageAsync("Exports", 1));

        Assert.Equal(0, recorder.Pending);
    }

    [Fact]
    public async Task Validate_and_info_tell_the_app_each_meter_count_and_what_is_left()
    {
        var license = await MeteredLicenseAsync();
        using var client = NewClient(new FlakyNetwork());
        var identity = new ClientIdentity(license.UserKey, "pc-1");
        using var recorder = new UsageRecorder(client, identity, _queue);
        await client.ActivateAsync(identity);
        await recorder.RecordUsageAsync("exports", 40);

        var validated = await client.ValidateAsync(identity);
        var info = await client.InfoAsync(identity);

        foreach (var meters in new[] { validated.Meters, info.Meters })
        {
            var meter = Assert.Single(meters);
            Assert.Equal(("exports", 40L, 100L, 60L, "month"), (meter.Code, meter.Used, meter.Limit, meter.Remaining, meter.ResetPeriod));
            Assert.Equal(new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero), meter.PeriodEndsAt);
        }
    }

    /// <summary>A loopback address nothing listens on: a port the system just handed out and took back.</summary>
    private static Uri ClosedLoopbackUrl()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/");
    }

    private Task<License> MeteredLicenseAsync() =>
        server.CreateLicenseAsync(Activation, seats: 1, extra: new { meters = new[] { new { code = "exports", limit = 100, resetPeriod = "month" } } });

    private LicensingClient NewClient(FlakyNetwork network) =>
        new(new HttpClient(network.Over(new HttpClientHandler())), new LicensingClientOptions { BaseAddress = server.Http.BaseAddress, ApiKey = server.ClientKey }, server.Clock);

    /// <summary>
    /// The app's network: down (nothing reaches the server), or losing the next answer after the server handled the
    /// request, as a connection dropped on the way back would.
    /// </summary>
    private sealed class FlakyNetwork
    {
        private int _loseNext;
        private int _lost;

        public bool Down { get; set; }

        public int AnswersLost => Volatile.Read(ref _lost);

        public void LoseNextAnswer() => Interlocked.Exchange(ref _loseNext, 1);

        public DelegatingHandler Over(HttpMessageHandler inner) => new Handler(this) { InnerHandler = inner };

        private sealed class Handler(FlakyNetwork network) : DelegatingHandler
        {
            protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                if (network.Down)
                {
                    throw new HttpRequestException("Network unreachable (injected).");
                }

                var response = await base.SendAsync(request, cancellationToken);
                if (Interlocked.Exchange(ref network._loseNext, 0) == 1)
                {
                    response.Dispose();
                    Interlocked.Increment(ref network._lost);
                    throw new HttpRequestException("Connection reset before the answer arrived (injected).");
                }

                return response;
            }
        }
    }
}
