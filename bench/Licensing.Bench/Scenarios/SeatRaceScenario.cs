using System.Diagnostics;
using System.Text.Json;
using Azure.Data.Tables;
using Licensing.Bench.Infrastructure;
using Licensing.Bench.Load;
using Licensing.Bench.Results;
using Licensing.Domain;
using Licensing.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Licensing.Bench.Scenarios;

/// <summary>
/// seat-race: --rounds rounds on one floating license of --race-seats seats. In each round --contenders distinct
/// machines (the same fleet every round) request a seat at once; then the round checks that exactly --race-seats
/// were granted, from the answers, from the stored rows (straight from Azurite: live seat rows, the license's
/// LiveSeats counter) and from info. Then the seats are freed before the next round: odd rounds release them
/// through the API, even rounds let them lapse by moving the server's clock past their expiry, so the next round's
/// grants must end the lapsed leases inside their own transactions. Any count above the limit, anywhere, is an
/// over-allocation.
/// </summary>
public static class SeatRaceScenario
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    public static async Task<RunResult> RunAsync(BenchContext context, CancellationToken ct)
    {
        var options = context.Options;
        var (rounds, contenders, seats) = (options.Rounds, options.Contenders, options.RaceSeats);
        var label = $"seat-race c={contenders}";
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var session = await ServerSession.StartAsync(context, contenders, ct, clock).ConfigureAwait(false);
        var licenses = context.Table(TableKeys.LicensesTable(session.Server.TablePrefix));

        Progress.Say($"==> {label}: {(options.WarmUp > TimeSpan.Zero ? $"{options.WarmUp.TotalSeconds:0.#} s warm-up, then " : "")}"
                     + $"{rounds:N0} rounds of {contenders} machines racing for {seats} seats");
        var warmUp = await session.CreateLicenseAsync(2, seats, Interval, ct).ConfigureAwait(false);
        var unmeasured = new Race(session.Api, clock, warmUp, contenders, Enumerable.Range(0, contenders).Select(_ => new Recorder(new LiveCounters())).ToArray());
        for (var watch = Stopwatch.StartNew(); watch.Elapsed < options.WarmUp;)
        {
            await unmeasured.FreeAsync(round: 1, await unmeasured.RoundAsync(ct).ConfigureAwait(false), ct).ConfigureAwait(false);
        }

        var license = await session.CreateLicenseAsync(2, seats, Interval, ct).ConfigureAwait(false);
        var live = new LiveCounters();
        var recorders = Enumerable.Range(0, contenders).Select(_ => new Recorder(live)).ToArray();
        var race = new Race(session.Api, clock, license, contenders, recorders);
        var tally = new Tally(seats);
        context.Counter.Reset();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var elapsed = Stopwatch.StartNew();
        var done = 0;
        await using (Progress.Start(() => $"  {label}: round {Volatile.Read(ref done):N0}/{rounds:N0}, {tally}"))
        {
            for (var round = 1; round <= rounds; round++)
            {
                var answers = await race.RoundAsync(ct).ConfigureAwait(false);
                var stored = await StoredAsync(licenses, license.LicenseId, clock.GetUtcNow(), ct).ConfigureAwait(false);
                var info = await race.InfoAsync(ct).ConfigureAwait(false);
                tally.Add(round, answers, stored, info);
                await race.FreeAsync(round, answers, ct).ConfigureAwait(false);
                Volatile.Write(ref done, round);
            }
        }

        elapsed.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var endpoints = Recorder.Merge(recorders, elapsed.Elapsed);
        var storage = context.Counter.Snapshot();
        foreach (var endpoint in endpoints)
        {
            endpoint.Storage = storage.GetValueOrDefault(endpoint.Name);
        }

        var result = new RunResult
        {
            Scenario = "seat-race",
            Label = label,
            Concurrency = contenders,
            Seconds = Math.Round(elapsed.Elapsed.TotalSeconds, 2),
            Operations = rounds,
            OperationsPerSecond = Math.Round(rounds / elapsed.Elapsed.TotalSeconds, 1),
            Endpoints = endpoints,
            Metrics = new Dictionary<string, double>
            {
                ["rounds"] = rounds,
                ["contenders"] = contenders,
                ["seats"] = seats,
                ["grants"] = tally.Grants,
                ["maxLiveSeen"] = tally.MaxLiveSeen,
                ["overAllocations"] = tally.OverAllocations,
                ["roundsNotExact"] = tally.RoundsNotExact,
                ["releasedRounds"] = (rounds + 1) / 2,
                ["lapsedRounds"] = rounds / 2,
                ["benchCpuMsPerRound"] = Math.Round(cpu.TotalMilliseconds / rounds, 2),
            },
            Notes = tally.Problems.Take(10).ToList(),
        };
        var checkout = result.Endpoint("request")!.LatencyMs;
        Progress.Say($"    {label}: {rounds:N0} rounds, {tally.Grants:N0} grants, max live seen {tally.MaxLiveSeen}, "
                     + $"over-allocations {tally.OverAllocations}, rounds not exactly {seats} {tally.RoundsNotExact}, "
                     + $"checkout p50 {checkout.P50:0.0} ms p95 {checkout.P95:0.0} ms p99 {checkout.P99:0.0} ms, {result.Seconds:0.0} s");
        return result;
    }

    /// <summary>The partition's seat rows as stored: live by state, holding a seat now, and the LiveSeats counter.</summary>
    private static async Task<Stored> StoredAsync(TableClient table, string licenseId, DateTimeOffset now, CancellationToken ct)
    {
        var (counter, live, holding) = (0, 0, new List<string>());
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {licenseId}"), cancellationToken: ct).ConfigureAwait(false))
        {
            if (row.RowKey == TableKeys.LicenseRow)
            {
                counter = row.GetInt32(nameof(LicenseRow.LiveSeats)) ?? 0;
            }
            else if (TableKeys.IsSeatRow(row.RowKey) && row.GetString(nameof(SeatRow.State)) == SeatState.Live)
            {
                live++;
                if (row.GetDateTimeOffset(nameof(SeatRow.ExpireAt)) > now)
                {
                    holding.Add(row.GetString(nameof(SeatRow.MachineId)) ?? "");
                }
            }
        }

        return new Stored(counter, live, holding);
    }

    private sealed record Answer(string Machine, int Status, bool Granted, string? Token, string? Reason, int ActiveClientCount);

    private sealed record Stored(int LiveSeatsCounter, int LiveRows, List<string> HoldingMachines);

    private sealed record Info(int Status, int ActiveClientCount, int Unrevoked);

    /// <summary>One license's rounds: the concurrent requests, the info read, and freeing the seats.</summary>
    private sealed class Race(ApiClient api, FakeTimeProvider clock, (string LicenseId, string UserKey) license, int contenders, Recorder[] recorders)
    {
        private readonly byte[][] _requests = Enumerable.Range(0, contenders)
            .Select(i => ApiClient.Body(("userKey", license.UserKey), ("machineId", Machine(i)), ("clientId", "app"), ("clientName", "Bench race")))
            .ToArray();

        public async Task<Answer[]> RoundAsync(CancellationToken ct)
        {
            return await Task.WhenAll(Enumerable.Range(0, contenders).Select(i => Task.Run(() => RequestAsync(i, ct), ct))).ConfigureAwait(false);
        }

        public async Task<Info> InfoAsync(CancellationToken ct)
        {
            var answer = await api.PostAsync("v1/license/info", ApiClient.Body(("userKey", license.UserKey), ("machineId", "race-auditor")), ct).ConfigureAwait(false);
            if (answer.Status != 200)
            {
                return new Info(answer.Status, -1, -1);
            }

            using var json = answer.Json();
            var unrevoked = json.RootElement.GetProperty("licenseTokens").EnumerateArray().Count(t => !t.GetProperty("revoked").GetBoolean());
            return new Info(200, json.RootElement.GetProperty("activeClientCount").GetInt32(), unrevoked);
        }

        /// <summary>Odd rounds release every granted seat through the API; even rounds let them lapse.</summary>
        public async Task FreeAsync(int round, Answer[] answers, CancellationToken ct)
        {
            if (round % 2 == 0)
            {
                clock.Advance(Interval + Interval + TimeSpan.FromSeconds(1));
                return;
            }

            await Task.WhenAll(answers.Select((a, i) => (Answer: a, Index: i)).Where(x => x.Answer.Token is not null).Select(x => Task.Run(async () =>
            {
                var start = Stopwatch.GetTimestamp();
                var release = await api.PostAsync("v1/license/release", ApiClient.Body(("licenseToken", x.Answer.Token), ("machineId", x.Answer.Machine)), ct)
                    .ConfigureAwait(false);
                recorders[x.Index].Record("release", start, release.Status);
            }, ct))).ConfigureAwait(false);
        }

        private async Task<Answer> RequestAsync(int contender, CancellationToken ct)
        {
            var start = Stopwatch.GetTimestamp();
            var answer = await api.PostAsync("v1/license/request", _requests[contender], ct).ConfigureAwait(false);
            var parsed = Parse(Machine(contender), answer);
            recorders[contender].Record("request", start, answer.Status, answer.Status != 200 ? null : parsed.Granted ? "granted" : "denied:" + parsed.Reason);
            return parsed;
        }

        private static Answer Parse(string machine, ApiAnswer answer)
        {
            if (answer.Status != 200)
            {
                return new Answer(machine, answer.Status, false, null, null, 0);
            }

            using var json = answer.Json();
            var root = json.RootElement;
            var granted = root.GetProperty("granted").GetBoolean();
            return new Answer(
                machine,
                200,
                granted,
                granted ? root.GetProperty("licenseToken").GetString() : null,
                root.TryGetProperty("reason", out var reason) && reason.ValueKind == JsonValueKind.String ? reason.GetString() : null,
                root.GetProperty("activeClientCount").GetInt32());
        }

        private static string Machine(int contender) => $"race-machine-{contender:D3}";
    }

    /// <summary>The run's figures and every check that failed, per round.</summary>
    private sealed class Tally(int seats)
    {
        private readonly List<string> _problems = [];

        public long Grants { get; private set; }
        public int MaxLiveSeen { get; private set; }
        public int OverAllocations { get; private set; }
        public int RoundsNotExact { get; private set; }
        public IReadOnlyList<string> Problems => _problems;

        public void Add(int round, Answer[] answers, Stored stored, Info info)
        {
            var granted = answers.Where(a => a.Granted).ToList();
            Grants += granted.Count;
            var seen = new[] { granted.Count, stored.LiveRows, stored.HoldingMachines.Count, stored.LiveSeatsCounter, info.ActiveClientCount, info.Unrevoked }
                .Concat(answers.Select(a => a.ActiveClientCount))
                .Max();
            MaxLiveSeen = Math.Max(MaxLiveSeen, seen);
            if (seen > seats)
            {
                OverAllocations++;
            }

            var wrong = new List<string>();
            Check(wrong, answers.All(a => a.Status == 200), "answers not 200: " + string.Join(", ", answers.Where(a => a.Status != 200).Select(a => a.Status).Distinct()));
            Check(wrong, granted.Count == seats, $"{granted.Count} granted");
            Check(wrong, answers.Where(a => a.Status == 200 && !a.Granted).All(a => a.Reason == Reasons.SeatsExhausted), "a denial other than seats_exhausted");
            Check(wrong, stored.LiveRows == seats && stored.LiveSeatsCounter == seats, $"stored: {stored.LiveRows} live rows, LiveSeats {stored.LiveSeatsCounter}");
            Check(wrong, stored.HoldingMachines.Order().SequenceEqual(granted.Select(a => a.Machine).Order()), "the machines holding seats in storage are not the ones granted");
            Check(wrong, info.ActiveClientCount == seats && info.Unrevoked == seats, $"info: status {info.Status}, activeClientCount {info.ActiveClientCount}, {info.Unrevoked} unrevoked tokens");
            if (wrong.Count > 0)
            {
                RoundsNotExact++;
                _problems.Add($"round {round}: " + string.Join("; ", wrong));
            }
        }

        public override string ToString() => $"{Grants:N0} grants, max live {MaxLiveSeen}, over-allocations {OverAllocations}";

        private static void Check(List<string> wrong, bool ok, string problem)
        {
            if (!ok)
            {
                wrong.Add(problem);
            }
        }
    }
}
