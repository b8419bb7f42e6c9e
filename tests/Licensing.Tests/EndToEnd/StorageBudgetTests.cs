using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Licensing.Audit;
using Licensing.Storage;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Licensing.Tests.EndToEnd;

/// <summary>
/// Storage requests per call and the round trips of latency they take, exactly as docs/storage.md states them (API key
/// cached, the license's terms in this instance's cache for heartbeat and floating validate): heartbeat 2 in 2,
/// floating validate 1 in 1, request 4 in 4, a repeated request 3 in 3, borrow 4 in 4, release 3 in 3,
/// activate 3 in 3, activation validate 4 in 3, deactivate 4 in 4 (a call's seat rows are read before its license row,
/// so its count holds every seat they show); a repeated activate costs its reads, 2 in 2; a first trial 9 in 9, a
/// repeated trial 3 in 3; an offline activation 4 in 3 (activate's, its receipt read with the seat and committed with
/// it), the same request again 3 in 2, an offline deactivation 5 in 5 (the receipt, then deactivate's), a repeated
/// proof 3 in 3; a recorded use 2 in 2, a retried one 3 in 3. The
/// license's partition holds a thousand audit events and other seats, and every read of the Licenses table is a
/// point read, so the cost does not grow with what the partition holds. A webhook adds one request in its own round
/// trip to the calls whose events it wants (the pending-delivery hint, written before the transaction) and nothing to
/// any other call: a request of a product with a webhook on <c>seat.*</c> costs 5 in 5.
/// </summary>
public sealed class StorageBudgetTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Floating = 2;
    private const int Activation = 1;
    private const int EventsInPartition = 1_000;
    private static readonly string[] SeatEvents = ["seat.*"];

    /// <summary>Makes a call's parallel reads meet in flight, so the round-trip count cannot depend on scheduling.</summary>
    private readonly ReadBarrier _reads = new(parties: 2);
    private ServerFixture _server = null!;

    public async Task InitializeAsync() =>
        _server = await ServerFixture.StartAsync(_ => { }, configure: builder =>
            builder.Services.Configure<TablePipelineOptions>(o => o.PerCallPolicies.Add(_reads)));

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    [Trait("Category", "Slow")]
    public async Task Each_floating_call_costs_exactly_its_stated_storage_requests_and_round_trips()
    {
        var license = await _server.CreateLicenseAsync(Floating, seats: 5, extra: new { maxBorrowDuration = new { seconds = 3600, nanos = 0 } });
        await FillPartitionAsync(license, otherSeats: ["other-1", "other-2", "other-3"], "v1/license/request");

        var request = await MeasureAsync(license, "v1/license/request", new { license.UserKey, machineId = "m1" }, readsTogether: 2);
        var token = request.Body.GetProperty("licenseToken").GetString();
        var repeated = await MeasureAsync(license, "v1/license/request", new { license.UserKey, machineId = "m1" }, readsTogether: 2);
        var heartbeat = await MeasureAsync(license, "v1/license/heartbeat", new { licenseToken = token, machineId = "m1" }, readsTogether: 1);
        var validate = await MeasureAsync(license, "v1/license/validate", new { license.UserKey, machineId = "m1" }, readsTogether: 1);
        var borrow = await MeasureAsync(license, "v1/license/borrow", new { licenseToken = token, machineId = "m1", borrowFor = new { seconds = 600, nanos = 0 } }, readsTogether: 2);
        var release = await MeasureAsync(license, "v1/license/release", new { licenseToken = token, machineId = "m1" }, readsTogether: 2);

        Assert.True(request.Body.GetProperty("granted").GetBoolean(), request.Body.GetRawText());
        Assert.Equal(4, request.Body.GetProperty("activeClientCount").GetInt32());
        Assert.True(repeated.Body.GetProperty("granted").GetBoolean(), repeated.Body.GetRawText());
        Assert.Equal(TokenId(token!), TokenId(repeated.Body.GetProperty("licenseToken").GetString()!));
        Assert.Equal(4, repeated.Body.GetProperty("activeClientCount").GetInt32());
        Assert.True(heartbeat.Body.GetProperty("active").GetBoolean(), heartbeat.Body.GetRawText());
        Assert.True(validate.Body.GetProperty("success").GetBoolean(), validate.Body.GetRawText());
        Assert.True(borrow.Body.GetProperty("borrowed").GetBoolean(), borrow.Body.GetRawText());
        Assert.Equal(3, release.Body.GetProperty("activeClientCount").GetInt32());
        AssertCost(request, requests: 4, roundTrips: 4);
        AssertCost(repeated, requests: 3, roundTrips: 3);
        AssertCost(heartbeat, requests: 2, roundTrips: 2, readsLicense: false);
        AssertCost(validate, requests: 1, roundTrips: 1, readsLicense: false);
        AssertCost(borrow, requests: 4, roundTrips: 4);
        AssertCost(release, requests: 3, roundTrips: 3);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task Each_activation_call_costs_exactly_its_stated_storage_requests_and_round_trips()
    {
        var license = await _server.CreateLicenseAsync(Activation, seats: 5);
        await FillPartitionAsync(license, otherSeats: ["other-1", "other-2", "other-3"], "v1/license/activate");

        var activate = await MeasureAsync(license, "v1/license/activate", new { license.UserKey, machineId = "pc-1" }, readsTogether: 2);
        var again = await MeasureAsync(license, "v1/license/activate", new { license.UserKey, machineId = "pc-1" }, readsTogether: 2);
        var validate = await MeasureAsync(license, "v1/license/validate", new { license.UserKey, machineId = "pc-1" }, readsTogether: 3);
        var deactivate = await MeasureAsync(license, "v1/license/deactivate", new { license.UserKey, machineId = "pc-1" }, readsTogether: 2);

        Assert.True(activate.Body.GetProperty("success").GetBoolean(), activate.Body.GetRawText());
        Assert.Equal(4, activate.Body.GetProperty("activeClientCount").GetInt32());
        var activated = TokenId(activate.Body.GetProperty("licenseToken").GetString()!);
        Assert.True(again.Body.GetProperty("success").GetBoolean(), again.Body.GetRawText());
        Assert.Equal(activated, TokenId(again.Body.GetProperty("licenseToken").GetString()!));
        Assert.True(validate.Body.GetProperty("success").GetBoolean(), validate.Body.GetRawText());
        Assert.Equal(activated, TokenId(validate.Body.GetProperty("licenseToken").GetString()!));
        Assert.Equal(3, deactivate.Body.GetProperty("activeClientCount").GetInt32());
        AssertCost(activate, requests: 3, roundTrips: 3);
        AssertCost(again, requests: 2, roundTrips: 2);
        AssertCost(validate, requests: 4, roundTrips: 3);
        AssertCost(deactivate, requests: 4, roundTrips: 4);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task A_trial_costs_nine_storage_requests_the_first_time_and_three_every_time_after()
    {
        await _server.SendForJsonAsync(HttpMethod.Post, "v1/admin/policies", new
        {
            name = "Trial", productId = "budget-trial", licensingMode = Activation, maxClientCount = 1,
            duration = new { seconds = 14 * 86400, nanos = 0 }, trial = true,
        }, ServerFixture.AdminKey);
        await _server.CallAsync("v1/license/trial", new { productId = "budget-trial", machineId = "warm-up" });

        var first = await MeasureAsync(new License("", ""), "v1/license/trial", new { productId = "budget-trial", machineId = "pc-1" }, readsTogether: 2);
        var again = await MeasureAsync(new License("", ""), "v1/license/trial", new { productId = "budget-trial", machineId = "pc-1" }, readsTogether: 2);

        Assert.True(first.Body.GetProperty("success").GetBoolean(), first.Body.GetRawText());
        Assert.Equal(first.Body.GetProperty("userKey").GetString(), again.Body.GetProperty("userKey").GetString());
        // First: the trial row, the trial marker and the policy (3 reads one after another), the license's catalog row,
        // the license and the trial row created (3), then activate: the license and the seat read together (2) and its
        // transaction (1).
        Assert.True(first.Requests.Count == 9, string.Join("; ", first.Requests));
        Assert.True(first.RoundTrips == 9, string.Join("; ", first.Requests));
        // After: the trial row (1), then activate's two reads together (2), nothing written.
        Assert.True(again.Requests.Count == 3, string.Join("; ", again.Requests));
        Assert.True(again.RoundTrips == 3, string.Join("; ", again.Requests));
        Assert.All(again.Requests, r => Assert.True(r.Method == "GET" && r.IsPointRead, r.ToString()));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task Each_offline_call_costs_exactly_its_stated_storage_requests_and_round_trips()
    {
        var license = await _server.CreateLicenseAsync(Activation, seats: 5);
        await FillPartitionAsync(license, otherSeats: ["other-1", "other-2", "other-3"], "v1/license/activate");
        var request = OfflineWire.Request(license.UserKey, "lab-pc", OfflineWire.NewRequestId(), _server.Clock.GetUtcNow());

        var activate = await MeasureAsync(license, "v1/license/offline/activate", new { request }, readsTogether: 3);
        var again = await MeasureAsync(license, "v1/license/offline/activate", new { request }, readsTogether: 3);
        var proof = OfflineWire.Proof(activate.Body.GetProperty("response").GetString()!, _server.Clock.GetUtcNow());
        var deactivate = await MeasureAsync(license, "v1/license/offline/deactivate", new { proof }, readsTogether: 2);
        var repeated = await MeasureAsync(license, "v1/license/offline/deactivate", new { proof }, readsTogether: 2);

        Assert.True(activate.Body.GetProperty("success").GetBoolean(), activate.Body.GetRawText());
        Assert.Equal(activate.Body.GetRawText(), again.Body.GetRawText());
        Assert.Equal(3, deactivate.Body.GetProperty("activeClientCount").GetInt32());
        Assert.Equal(deactivate.Body.GetRawText(), repeated.Body.GetRawText());
        AssertCost(activate, requests: 4, roundTrips: 3);
        AssertCost(again, requests: 3, roundTrips: 2);
        AssertCost(deactivate, requests: 5, roundTrips: 5);
        AssertCost(repeated, requests: 3, roundTrips: 3);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task A_webhook_adds_its_hint_to_the_calls_it_hears_and_nothing_to_other_products_calls()
    {
        await _server.AdminPostAsync("v1/admin/webhooks", new { url = "https://hooks.example.com/seats", events = SeatEvents, productId = "hooked" });
        var hooked = await _server.CreateLicenseAsync(Floating, seats: 5, extra: new { productId = "hooked" });
        var quiet = await _server.CreateLicenseAsync(Floating, seats: 5);
        await FillPartitionAsync(hooked, otherSeats: ["other-1"], "v1/license/request");
        await FillPartitionAsync(quiet, otherSeats: ["other-1"], "v1/license/request");

        var heard = await MeasureAsync(hooked, "v1/license/request", new { hooked.UserKey, machineId = "m1" }, readsTogether: 2);
        var unheard = await MeasureAsync(quiet, "v1/license/request", new { quiet.UserKey, machineId = "m1" }, readsTogether: 2);

        Assert.True(heard.Body.GetProperty("granted").GetBoolean(), heard.Body.GetRawText());
        Assert.True(unheard.Body.GetProperty("granted").GetBoolean(), unheard.Body.GetRawText());
        AssertCost(heard, requests: 5, roundTrips: 5);
        AssertCost(unheard, requests: 4, roundTrips: 4);
        Assert.Equal(1, heard.Requests.Count(r => r.Target == _server.Tables.Webhooks.Name));
        Assert.Equal(0, unheard.Requests.Count(r => r.Target == _server.Tables.Webhooks.Name));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task A_recorded_use_costs_two_storage_requests_and_a_retried_one_three_with_the_license_terms_cached()
    {
        var license = await _server.CreateLicenseAsync(Activation, seats: 5, extra: new { meters = new[] { new { code = "exports", limit = 1_000 } } });
        await FillPartitionAsync(license, otherSeats: ["other-1"], "v1/license/activate");
        await _server.CallAsync("v1/license/usage", new { license.UserKey, machineId = "pc-1", meter = "exports", amount = 1, eventId = "warm-up" });

        var use = new { license.UserKey, machineId = "pc-1", meter = "exports", amount = 3, eventId = "export-1" };
        var recorded = await MeasureAsync(license, "v1/license/usage", use, readsTogether: 1);
        var retried = await MeasureAsync(license, "v1/license/usage", use, readsTogether: 1);

        Assert.Equal((true, 4L, false), (recorded.Body.GetProperty("recorded").GetBoolean(), recorded.Body.GetProperty("used").GetInt64(), recorded.Body.GetProperty("duplicate").GetBoolean()));
        Assert.Equal((true, 4L, true), (retried.Body.GetProperty("recorded").GetBoolean(), retried.Body.GetProperty("used").GetInt64(), retried.Body.GetProperty("duplicate").GetBoolean()));
        // The meter row (1), then the transaction of the count and the use's ledger row (1).
        AssertCost(recorded, requests: 2, roundTrips: 2, readsLicense: false);
        // The same, and the transaction failed on the ledger row: that row is read for the first answer (1).
        AssertCost(retried, requests: 3, roundTrips: 3, readsLicense: false);
        Assert.Equal([TableKeys.MeterRow("exports"), TableKeys.LedgerRow("export-1")], retried.Requests.Where(r => r.Method == "GET").Select(r => r.RowKey));
    }

    [Fact]
    public async Task The_counter_records_every_request_of_a_call_and_tells_a_query_from_a_point_read()
    {
        var license = await _server.CreateLicenseAsync(Activation, seats: 5);
        await _server.CallAsync("v1/license/info", new { license.UserKey, machineId = "warm-up" });

        _server.StorageRequests.Reset();
        await _server.CallAsync("v1/license/info", new { license.UserKey, machineId = "m1" });
        var info = Assert.Single(_server.StorageRequests.Requests);
        var infoCount = _server.StorageRequests.Count;
        _server.StorageRequests.Reset();
        await _server.CallAsync("v1/license/validate", new { license.UserKey, machineId = "m1" });
        var validate = _server.StorageRequests.Requests;

        Assert.Equal(("GET", _server.Tables.Licenses.Name, false), (info.Method, info.Target, info.IsPointRead));
        Assert.Equal(1, infoCount);
        Assert.Equal(3, validate.Count);
        Assert.All(validate, r => Assert.True(r.IsPointRead && r.PartitionKey == license.LicenseId, r.ToString()));
        Assert.Equal(
            new[] { TableKeys.LicenseRow, TableKeys.ActivationRow("m1"), TableKeys.LeaseRow("m1", "") }.Order(StringComparer.Ordinal),
            validate.Select(r => r.RowKey).Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// Seats held by other machines and a thousand audit events, so a call that read its partition instead of its own
    /// rows would show it; the client key is cached and the tables exist afterwards. The events are stored directly, a
    /// transaction of 100 at a time, as admin changes numbered in an earlier generation of the license (so they never
    /// meet the numbers of its own events): 997 admin PATCHes over HTTP would store the same rows in a minute.
    /// </summary>
    private async Task FillPartitionAsync(License license, string[] otherSeats, string grantRoute)
    {
        foreach (var machineId in otherSeats)
        {
            await _server.CallAsync(grantRoute, new { license.UserKey, machineId });
        }

        var earlier = _server.Clock.GetUtcNow().AddDays(-1);
        var events = Enumerable.Range(otherSeats.Length, EventsInPartition - otherSeats.Length).Select(i => new AuditEventRow
        {
            PartitionKey = license.LicenseId,
            RowKey = TableKeys.EventRow(earlier, i),
            Type = AuditEventTypes.LicenseUpdated,
            At = earlier,
            Actor = "admin",
            Changes = $$"""{"customerName":"Customer {{i}}"}""",
        });
        foreach (var transaction in events.Chunk(100))
        {
            await _server.Tables.Licenses.SubmitTransactionAsync(transaction.Select(e => new TableTransactionAction(TableTransactionActionType.Add, e.ToEntity())));
        }

        Assert.Equal(EventsInPartition + 1, (await _server.StoredEventsAsync(license.LicenseId)).Count);
    }

    private async Task<Measured> MeasureAsync(License license, string route, object body, int readsTogether)
    {
        _reads.Arm(readsTogether);
        _server.StorageRequests.Reset();
        using var response = await _server.PostAsync(route, body);
        var requests = _server.StorageRequests.Requests;
        var roundTrips = _server.StorageRequests.RoundTrips;
        _reads.Disarm();

        var json = (await ServerFixture.ReadJsonAsync(response)).RootElement.Clone();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{route} answered {(int)response.StatusCode}: {json.GetRawText()}");
        output.WriteLine($"{route}: {requests.Count} requests in {roundTrips} round trips");
        foreach (var request in requests)
        {
            output.WriteLine("    " + request);
        }

        return new Measured(route, license.LicenseId, json, requests, roundTrips);
    }

    /// <param name="readsLicense">False for the calls that take the license's terms from this instance's cache.</param>
    private void AssertCost(Measured call, int requests, int roundTrips, bool readsLicense = true)
    {
        Assert.True(requests == call.Requests.Count, $"{call.Route}: {call.Requests.Count} storage requests, stated {requests}: {string.Join("; ", call.Requests)}");
        Assert.True(roundTrips == call.RoundTrips, $"{call.Route}: {call.RoundTrips} round trips, stated {roundTrips}: {string.Join("; ", call.Requests)}");
        var reads = call.Requests.Where(r => r.Method == "GET" && r.Target == _server.Tables.Licenses.Name).ToList();
        Assert.Equal(readsLicense, reads.Exists(r => r.RowKey == TableKeys.LicenseRow));
        Assert.All(reads, r => Assert.True(r.IsPointRead && r.PartitionKey == call.LicenseId, $"{call.Route}: not a point read of its license: {r}"));
    }

    private string TokenId(string licenseToken) =>
        _server.Services.GetRequiredService<Licensing.Signing.LicenseCredentials>().ReadToken(licenseToken)!.TokenId;

    private sealed record Measured(string Route, string LicenseId, JsonElement Body, IReadOnlyList<StorageRequest> Requests, int RoundTrips);
}
