using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Licensing.Audit;
using Licensing.Auth;
using Licensing.Domain;
using Licensing.Seats;
using Licensing.Storage;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Tests.EndToEnd;

/// <summary>
/// Bursts on one license (the contract's "Bursts on one license"): concurrent seat calls of one license on one instance
/// are decided together, in arrival order, and each is answered exactly as the same calls one after another would be;
/// across two instances the license row's ETag keeps them exact. The mixed burst is made of calls on a license of 5
/// seats and 2 overage seats that holds 3 live leases (r1..r3, r3 an overage seat) and 3 lapsed ones (l1..l3): renewals,
/// a new overage grant, grants that reclaim the lapsed leases, refusals past the limit, and a pair asking twice.
/// </summary>
public sealed class BurstGroupCommitTests(TwoInstances instances) : IClassFixture<TwoInstances>
{
    private static readonly string[] MixedBurst = ["r1", "n1", "n2", "r2", "n3", "n4", "n1", "n5", "r3", "n6", "n7"];

    private ServerFixture A => instances.A;

    private ServerFixture B => instances.B;

    [Fact]
    public async Task A_mixed_burst_on_one_instance_answers_each_call_exactly_as_the_same_calls_one_after_another()
    {
        var (alone, together) = (await CreateLicenseAsync(), await CreateLicenseAsync());
        var (knownAlone, knownTogether) = await PrepareAsync(alone, together);

        A.StorageRequests.Reset();
        var oneByOne = new List<SeatDecision>();
        foreach (var machine in MixedBurst)
        {
            oneByOne.Add(await RequestAsync(A, alone, machine));
        }

        var requestsOneByOne = A.StorageRequests.Count;
        A.StorageRequests.Reset();
        // Each call joins its license's queue before it returns its task, so the burst arrives in MixedBurst's order.
        var contenders = MixedBurst.Select(machine => RequestAsync(A, together, machine)).ToArray();
        var burst = await Task.WhenAll(contenders);
        var requestsTogether = A.StorageRequests.Count;

        Assert.Equal(MixedBurst.Length, burst.Length);
        Assert.Equal(Described(MixedBurst, oneByOne, knownAlone), Described(MixedBurst, burst, knownTogether));
        Assert.Equal(ExpectedMixedAnswers, Described(MixedBurst, burst, knownTogether));
        await AssertSameStoredStateAsync(alone, together);
        Assert.True(requestsTogether < requestsOneByOne, $"the burst took {requestsTogether} storage requests, one by one {requestsOneByOne}: it was not grouped");
    }

    [Fact]
    public async Task A_mixed_burst_split_across_two_instances_answers_each_call_as_the_same_calls_one_after_another_in_the_order_they_committed()
    {
        var (alone, together) = (await CreateLicenseAsync(), await CreateLicenseAsync());
        var (knownAlone, knownTogether) = await PrepareAsync(alone, together);

        var contenders = MixedBurst.Select((machine, i) => RequestAsync(i % 2 == 0 ? A : B, together, machine)).ToArray();
        var burst = await Task.WhenAll(contenders);

        // The order the two instances' batches committed in, read from the answers and the audit trail: renewals and
        // grants by the seat count each answered, new grants in the order of their events, then the refusals. The same
        // calls one after another in that order must answer exactly the same and leave the same stored state.
        Assert.Equal(MixedBurst.Length, burst.Length);
        var grantEvents = (await A.StoredEventsAsync(together.LicenseId)).Where(e => e.GetString("Type") == AuditEventTypes.SeatGranted)
            .OrderByDescending(e => e.RowKey, StringComparer.Ordinal).Select(e => e.GetString("MachineId")).ToList(); // event rows sort newest first
        var order = CommitOrder(MixedBurst, burst, knownTogether, grantEvents);
        var oneByOne = new List<SeatDecision>();
        foreach (var machine in order)
        {
            oneByOne.Add(await RequestAsync(A, alone, machine));
        }

        var inOrder = order.Select(m => burst[Array.IndexOf(MixedBurst, m)]).ToList();
        Assert.Equal(Described(order, oneByOne, knownAlone), Described(order, inOrder, knownTogether));
        // Four places (7 with overage, 3 held) for seven new machines: n1, asking twice, holds one only if it came
        // before the fourth new grant across the two instances; then both its answers are grants, else both refusals.
        var n1 = Enumerable.Range(0, MixedBurst.Length).Where(i => MixedBurst[i] == "n1").Select(i => burst[i].DeniedReason is null).ToList();
        Assert.Equal(2, n1.Count);
        Assert.Equal(n1[0], n1[1]);
        Assert.Equal(n1[0] ? (8, 3) : (7, 4), (burst.Count(d => d.DeniedReason is null), burst.Count(d => d.DeniedReason == Reasons.SeatsExhausted)));
        await AssertSameStoredStateAsync(alone, together);
    }

    [Fact]
    public async Task Two_hundred_concurrent_first_requests_on_a_two_hundred_seat_license_are_all_granted_without_a_5xx()
    {
        var license = await A.CreateLicenseAsync(mode: 2, seats: 200);

        var contenders = Enumerable.Range(0, 200).Select(i => A.PostAsync("v1/license/request", new { license.UserKey, machineId = $"student-{i:D3}" })).ToArray();
        var responses = await Task.WhenAll(contenders);

        Assert.Equal(200, responses.Length);
        Assert.Equal([HttpStatusCode.OK], responses.Select(r => r.StatusCode).Distinct());
        var answers = await Task.WhenAll(responses.Select(async r => (await ServerFixture.ReadJsonAsync(r)).RootElement));
        Assert.Equal(200, answers.Count(a => a.GetProperty("granted").GetBoolean()));
        Assert.Equal(Enumerable.Range(1, 200), answers.Select(a => a.GetProperty("activeClientCount").GetInt32()).Order());
        Assert.Equal(200, (await A.StoredLicenseRowAsync(license.LicenseId))!.GetInt32("LiveSeats"));
        Assert.Equal(200, (await A.StoredRowsAsync(license.LicenseId)).Count(r => TableKeys.IsSeatRow(r.RowKey) && r.GetString(nameof(SeatRow.State)) == SeatState.Live));
        Assert.Equal(200, (await A.StoredEventsAsync(license.LicenseId)).Count(e => e.GetString("Type") == AuditEventTypes.SeatGranted));
        Array.ForEach(responses, r => r.Dispose());
    }

    [Fact]
    public async Task Two_hundred_concurrent_requests_split_across_two_instances_on_a_hundred_seat_license_grant_exactly_a_hundred_without_a_5xx()
    {
        var license = await A.CreateLicenseAsync(mode: 2, seats: 100);

        var contenders = Enumerable.Range(0, 200)
            .Select(i => (i % 2 == 0 ? A : B).PostAsync("v1/license/request", new { license.UserKey, machineId = $"agent-{i:D3}" }))
            .ToArray();
        var responses = await Task.WhenAll(contenders);

        Assert.Equal(200, responses.Length);
        Assert.Equal([HttpStatusCode.OK], responses.Select(r => r.StatusCode).Distinct());
        var answers = await Task.WhenAll(responses.Select(async r => (await ServerFixture.ReadJsonAsync(r)).RootElement));
        var grants = answers.Where(a => a.GetProperty("granted").GetBoolean()).ToList();
        Assert.Equal(100, grants.Count);
        Assert.Equal(Enumerable.Range(1, 100), grants.Select(a => a.GetProperty("activeClientCount").GetInt32()).Order());
        var refusals = answers.Where(a => !a.GetProperty("granted").GetBoolean()).ToList();
        Assert.Equal(100, refusals.Count);
        Assert.All(refusals, a => Assert.Equal((Reasons.SeatsExhausted, 100), (a.GetProperty("reason").GetString(), a.GetProperty("activeClientCount").GetInt32())));
        Assert.Equal(100, (await A.StoredLicenseRowAsync(license.LicenseId))!.GetInt32("LiveSeats"));
        Assert.Equal(100, (await A.StoredRowsAsync(license.LicenseId)).Count(r => TableKeys.IsSeatRow(r.RowKey) && r.GetString(nameof(SeatRow.State)) == SeatState.Live));
        Array.ForEach(responses, r => r.Dispose());
    }

    [Fact]
    public async Task Two_hundred_concurrent_releases_of_a_full_license_each_answer_a_different_count_from_199_to_0_without_a_5xx()
    {
        var license = await A.CreateLicenseAsync(mode: 2, seats: 200);
        var leases = await Task.WhenAll(Enumerable.Range(0, 200).Select(async i =>
        {
            using var granted = await A.CallAsync("v1/license/request", new { license.UserKey, machineId = $"student-{i:D3}" });
            return (Machine: $"student-{i:D3}", Token: granted.RootElement.GetProperty("licenseToken").GetString()!);
        }).ToList());

        var contenders = leases.Select(l => A.PostAsync("v1/license/release", new { licenseToken = l.Token, machineId = l.Machine })).ToArray();
        var responses = await Task.WhenAll(contenders);

        await AssertEveryCountDownToZeroOnceAsync(license, responses, AuditEventTypes.SeatReleased);
    }

    [Fact]
    public async Task Two_hundred_concurrent_borrows_of_one_license_are_all_granted_without_a_5xx_each_with_its_event()
    {
        var license = await A.CreateLicenseAsync(mode: 2, seats: 200, extra: new { maxBorrowDuration = new { seconds = 86_400, nanos = 0 } });
        var leases = await Task.WhenAll(Enumerable.Range(0, 200).Select(async i =>
        {
            using var granted = await A.CallAsync("v1/license/request", new { license.UserKey, machineId = $"laptop-{i:D3}" });
            return (Machine: $"laptop-{i:D3}", Token: granted.RootElement.GetProperty("licenseToken").GetString()!);
        }).ToList());

        var contenders = leases
            .Select(l => A.PostAsync("v1/license/borrow", new { licenseToken = l.Token, machineId = l.Machine, borrowFor = new { seconds = 3600, nanos = 0 } }))
            .ToArray();
        var responses = await Task.WhenAll(contenders);

        Assert.Equal(200, responses.Length);
        Assert.Equal([HttpStatusCode.OK], responses.Select(r => r.StatusCode).Distinct());
        var answers = await Task.WhenAll(responses.Select(async r => (await ServerFixture.ReadJsonAsync(r)).RootElement));
        Assert.Equal(200, answers.Count(a => a.GetProperty("borrowed").GetBoolean()));
        Assert.Equal(200, (await A.StoredRowsAsync(license.LicenseId)).Count(r => TableKeys.IsSeatRow(r.RowKey) && r.GetDateTimeOffset(nameof(SeatRow.BorrowedUntil))?.ToUnixTimeSeconds() == A.Clock.GetUtcNow().AddHours(1).ToUnixTimeSeconds()));
        Assert.Equal(200, (await A.StoredEventsAsync(license.LicenseId)).Count(e => e.GetString("Type") == AuditEventTypes.SeatBorrowed));
        Array.ForEach(responses, r => r.Dispose());
    }

    [Fact]
    public async Task Two_hundred_concurrent_deactivations_split_across_two_instances_each_answer_a_different_count_from_199_to_0_without_a_5xx()
    {
        var license = await A.CreateLicenseAsync(mode: 1, seats: 200);
        await Task.WhenAll(Enumerable.Range(0, 200).Select(async i =>
        {
            using var activated = await A.CallAsync("v1/license/activate", new { license.UserKey, machineId = $"agent-{i:D3}" });
        }).ToList());

        var contenders = Enumerable.Range(0, 200)
            .Select(i => (i % 2 == 0 ? A : B).PostAsync("v1/license/deactivate", new { license.UserKey, machineId = $"agent-{i:D3}" }))
            .ToArray();
        var responses = await Task.WhenAll(contenders);

        await AssertEveryCountDownToZeroOnceAsync(license, responses, AuditEventTypes.SeatDeactivated);
    }

    /// <summary>200 seats ended at once: each answer states the count its own ending left, so together they are 199 down to 0.</summary>
    private async Task AssertEveryCountDownToZeroOnceAsync(License license, HttpResponseMessage[] responses, string endedEvent)
    {
        Assert.Equal(200, responses.Length);
        Assert.Equal([HttpStatusCode.OK], responses.Select(r => r.StatusCode).Distinct());
        var answers = await Task.WhenAll(responses.Select(async r => (await ServerFixture.ReadJsonAsync(r)).RootElement));
        Assert.Equal(Enumerable.Range(0, 200), answers.Select(a => a.GetProperty("activeClientCount").GetInt32()).Order());
        Assert.Equal(0, (await A.StoredLicenseRowAsync(license.LicenseId))!.GetInt32("LiveSeats"));
        Assert.Equal(0, (await A.StoredRowsAsync(license.LicenseId)).Count(r => TableKeys.IsSeatRow(r.RowKey) && r.GetString(nameof(SeatRow.State)) == SeatState.Live));
        Assert.Equal(200, (await A.StoredEventsAsync(license.LicenseId)).Count(e => e.GetString("Type") == endedEvent));
        Array.ForEach(responses, r => r.Dispose());
    }

    /// <summary>What the mixed burst answers, one line per call in its order (computed by hand from the rules).</summary>
    private static readonly string[] ExpectedMixedAnswers =
    [
        "r1: granted 6/5 token r1",
        "n1: granted 7/5 overage token n1",
        "n2: granted 7/5 overage token n2",
        "r2: granted 7/5 token r2",
        "n3: granted 7/5 overage token n3",
        "n4: granted 7/5 overage token n4",
        "n1: granted 7/5 overage token n1",
        "n5: seats_exhausted 7/5",
        "r3: granted 7/5 overage token r3",
        "n6: seats_exhausted 7/5",
        "n7: seats_exhausted 7/5",
    ];

    private Task<License> CreateLicenseAsync() => A.CreateLicenseAsync(mode: 2, seats: 5, heartbeatSeconds: 60, extra: new { overageSeats = 2 });

    /// <summary>On both twins, l1..l3 granted and left to lapse, then r1..r3 granted: the token id of each, named by its machine.</summary>
    private async Task<(Dictionary<string, string>, Dictionary<string, string>)> PrepareAsync(License alone, License together)
    {
        var known = (new Dictionary<string, string>(StringComparer.Ordinal), new Dictionary<string, string>(StringComparer.Ordinal));
        await GrantAsync(["l1", "l2", "l3"]);
        instances.Clock.Advance(TimeSpan.FromMinutes(3));
        await GrantAsync(["r1", "r2", "r3"]);
        return known;

        async Task GrantAsync(string[] machines)
        {
            foreach (var machine in machines)
            {
                known.Item1[SeatTokens.TokenId((await RequestAsync(A, alone, machine)).Token!.Token)] = machine;
                known.Item2[SeatTokens.TokenId((await RequestAsync(A, together, machine)).Token!.Token)] = machine;
            }
        }
    }

    private static Task<SeatDecision> RequestAsync(ServerFixture server, License license, string machine) =>
        server.Services.GetRequiredService<LeaseService>().RequestAsync(
            new Caller("tests", ApiScopes.Client, ProductId: null, "127.0.0.1"),
            new ClientCall(license.UserKey, machine, ClientId: null, ClientName: null, LicenseToken: "", "127.0.0.1"),
            CancellationToken.None);

    /// <summary>
    /// Each answer as a line: its reason or grant, the counts, the overage flag, and whose token it carries (the machine
    /// that first received it, so twin licenses compare); the token's expiry must be the lease's.
    /// </summary>
    private static string[] Described(string[] machines, IReadOnlyList<SeatDecision> answers, Dictionary<string, string> known)
    {
        Assert.Equal(machines.Length, answers.Count);
        var tokens = new Dictionary<string, string>(known, StringComparer.Ordinal);
        return machines.Zip(answers, (machine, answer) =>
        {
            var line = $"{machine}: {answer.DeniedReason ?? "granted"} {answer.ActiveClientCount}/{answer.MaxClientCount}{(answer.Overage ? " overage" : "")}";
            if (answer.Token is { } token)
            {
                var id = SeatTokens.TokenId(token.Token);
                tokens.TryAdd(id, machine);
                line += $" token {tokens[id]}";
            }

            return line;
        }).ToArray();
    }

    /// <summary>
    /// Grants and renewals by the seat count they answered; at one count, new grants first (the first of them raised
    /// the count to it), in the order of their events, then renewals (a token known before, or the same pair's earlier
    /// grant); the refusals last.
    /// </summary>
    private static string[] CommitOrder(string[] machines, SeatDecision[] answers, Dictionary<string, string> known, List<string> grantEvents)
    {
        var decided = machines.Zip(answers).Select((a, i) => (Machine: a.First, Answer: a.Second, Arrived: i)).ToList();
        var granted = decided.Where(d => d.Answer.DeniedReason is null).ToList();
        bool IsRenewal((string Machine, SeatDecision Answer, int Arrived) d) =>
            known.ContainsKey(TokenOf(d.Answer)) || granted.Any(e => e.Arrived < d.Arrived && TokenOf(e.Answer) == TokenOf(d.Answer));
        var inOrder = granted.OrderBy(d => d.Answer.ActiveClientCount).ThenBy(d => IsRenewal(d) ? 1 : 0).ThenBy(d => IsRenewal(d) ? 0 : grantEvents.IndexOf(d.Machine)).ThenBy(d => d.Arrived);
        var refused = decided.Where(d => d.Answer.DeniedReason is not null).OrderBy(d => d.Arrived);
        return inOrder.Concat(refused).Select(d => d.Machine).ToArray();
    }

    private static string TokenOf(SeatDecision answer) => SeatTokens.TokenId(answer.Token!.Token);

    /// <summary>The twins' stored license counters, seat rows, event trail and usage rows are the same.</summary>
    private async Task AssertSameStoredStateAsync(License alone, License together)
    {
        Assert.Equal(await StoredStateAsync(alone), await StoredStateAsync(together));
    }

    private async Task<string[]> StoredStateAsync(License license)
    {
        var row = (await A.StoredLicenseRowAsync(license.LicenseId))!;
        var seats = (await A.StoredRowsAsync(license.LicenseId)).Where(r => TableKeys.IsSeatRow(r.RowKey))
            .Select(r => $"{r.GetString(nameof(SeatRow.MachineId))} {r.GetString(nameof(SeatRow.State))} overage={r.GetBoolean(nameof(SeatRow.Overage))} expires={r.GetDateTimeOffset(nameof(SeatRow.ExpireAt)):O}")
            .Order(StringComparer.Ordinal);
        var events = (await A.StoredEventsAsync(license.LicenseId)).OrderBy(e => e.RowKey, StringComparer.Ordinal).Select(e => $"{e.GetString("Type")} {e.GetString("MachineId")}");
        var usage = (await A.StoredUsageRowsAsync(license.LicenseId)).Select(Columns);
        return [$"live={row.GetInt32("LiveSeats")} events={row.GetInt64("EventSequence")} ended={row.GetInt32("EndedSeats")} noLapseBefore={row.GetDateTimeOffset("NoLapseBefore"):O}", .. seats, .. events, .. usage];
    }

    private static string Columns(TableEntity row) =>
        string.Join(" ", row.Keys.Where(k => k is not ("PartitionKey" or "odata.etag" or "Timestamp")).Order(StringComparer.Ordinal).Select(k => $"{k}={row[k]}"));
}
