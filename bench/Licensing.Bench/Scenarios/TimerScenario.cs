using System.Diagnostics;
using Azure.Data.Tables;
using Licensing.Bench.Infrastructure;
using Licensing.Bench.Load;
using Licensing.Bench.Results;
using Licensing.Domain;
using Licensing.Expiry;
using Licensing.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Licensing.Bench.Scenarios;

/// <summary>
/// timer: the expiry timer's run time (<c>LeaseExpiryService.RunAsync</c>) with --lapsed lapsed leases among --live
/// live ones. Rows are seeded straight into a fresh server's tables, as the server writes them: live leases on a
/// one-day heartbeat interval (due in two days, so never read by this run), lapsed leases due five minutes after
/// the start; then the server's clock moves ten minutes on and the timer runs once. A floor probe times the two
/// storage reads the timer leans on, at the same table size: a two-row partition query (what the timer's seat
/// read is) and a point read.
/// </summary>
public static class TimerScenario
{
    private const int LiveSeatsPerLicense = 1000;
    private const int LapsedSeatsPerLicense = 100;
    private const int ProbeReads = 100;
    private static readonly TimeSpan Interval = TimeSpan.FromDays(1);
    private static readonly TimeSpan LapsedAfter = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan TimerRunsAfter = TimeSpan.FromMinutes(10);

    public static async Task<RunResult> RunAsync(BenchContext context, int live, CancellationToken ct)
    {
        var lapsed = context.Options.Lapsed;
        var label = $"timer live={live:N0}";
        Progress.Say($"==> {label}: {lapsed:N0} lapsed leases among {live:N0} live ones");
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var session = await ServerSession.StartAsync(context, 1, ct, clock).ConfigureAwait(false);
        var tables = session.Server.Tables;
        var start = clock.GetUtcNow();

        var seeding = Stopwatch.StartNew();
        var seats = new List<SeatRow>(live + lapsed);
        var licenses = new List<LicenseRow>();
        AddLeases(licenses, seats, "live", live, LiveSeatsPerLicense, start, start + Interval + Interval);
        AddLeases(licenses, seats, "lapsed", lapsed, LapsedSeatsPerLicense, start, start + LapsedAfter);
        await TableSeeder.AddAsync("license and seat rows", tables.Licenses,
            licenses.Select(l => l.ToEntity()).Concat(seats.Select(s => s.ToEntity())), ct).ConfigureAwait(false);
        await TableSeeder.AddAsync("expiry index entries", tables.ExpiryIndex,
            seats.Select(s => new ExpiryEntry(s.ExpireAt, s.LicenseId, s.RowKey, s.TokenId).ToEntity()), ct).ConfigureAwait(false);
        seeding.Stop();

        clock.Advance(TimerRunsAfter);
        context.Counter.Reset();
        Progress.Say($"  running LeaseExpiryService.RunAsync with the clock {TimerRunsAfter.TotalMinutes:0} minutes on");
        var azuriteBefore = context.Azurite.Usage().Cpu;
        var timed = Stopwatch.StartNew();
        ExpiryRun run;
        await using (Progress.Start(() => $"  timer running: {timed.Elapsed.TotalSeconds:0}s, {context.Counter.Untracked:N0} storage calls"))
        {
            run = await session.Server.Expiry.RunAsync(ct).ConfigureAwait(false);
        }

        timed.Stop();
        var azuriteCpu = context.Azurite.Usage().Cpu - azuriteBefore;
        var roundTrips = context.Counter.Untracked;

        var probe = await ProbeAsync(context, session.Server.TablePrefix, seats[0], ct).ConfigureAwait(false);
        var result = new RunResult
        {
            Scenario = "timer",
            Label = label,
            Concurrency = 1,
            Seconds = Math.Round(timed.Elapsed.TotalSeconds, 3),
            Operations = run.Examined,
            OperationsPerSecond = Math.Round(run.Examined / timed.Elapsed.TotalSeconds, 1),
            Endpoints = probe,
            Metrics = new Dictionary<string, double>
            {
                ["live"] = live,
                ["lapsed"] = lapsed,
                ["timerSeconds"] = Math.Round(timed.Elapsed.TotalSeconds, 3),
                ["examined"] = run.Examined,
                ["ended"] = run.Lapsed,
                ["moved"] = run.Moved,
                ["purged"] = run.Purged,
                ["stale"] = run.Stale,
                ["storageRoundTrips"] = roundTrips,
                ["roundTripsPerLapsedLease"] = Math.Round((double)roundTrips / Math.Max(1, run.Examined), 2),
                ["azuriteCpuSeconds"] = Math.Round(azuriteCpu.TotalSeconds, 2),
                ["seedSeconds"] = Math.Round(seeding.Elapsed.TotalSeconds, 1),
                ["azuriteWorkingSetMB"] = Math.Round(context.Azurite.Usage().WorkingSet / 1048576.0, 1),
            },
        };
        if (run.Lapsed != lapsed || !run.Complete)
        {
            result.Notes.Add($"the run ended {run.Lapsed} of {lapsed} lapsed leases (complete: {run.Complete})");
        }

        Progress.Say($"    {label}: {result.Seconds:0.000} s, {run.Examined:N0} examined, {run.Lapsed:N0} ended, {roundTrips:N0} storage calls");
        await DropTablesAsync(context, session.Server.TablePrefix, ct).ConfigureAwait(false);
        return result;
    }

    private static void AddLeases(List<LicenseRow> licenses, List<SeatRow> seats, string kind, int count, int perLicense, DateTimeOffset now, DateTimeOffset expireAt)
    {
        for (var first = 0; first < count; first += perLicense)
        {
            var size = Math.Min(perLicense, count - first);
            var licenseId = TableKeys.LicenseId($"bench-timer-{kind}-{first}");
            licenses.Add(new LicenseRow
            {
                LicenseId = licenseId,
                UserKey = $"bench-timer-{kind}-{first}",
                ProductId = "default",
                Mode = LicensingMode.Floating,
                MaxClientCount = size,
                LiveSeats = size,
                HeartbeatInterval = Interval,
                IssuedAt = now,
            });
            for (var i = first; i < first + size; i++)
            {
                var machineId = $"timer-{kind}-machine-{i:D7}";
                seats.Add(new SeatRow
                {
                    LicenseId = licenseId,
                    RowKey = TableKeys.LeaseRow(machineId, "app"),
                    TokenId = TokenIds.NewLease(),
                    MachineId = machineId,
                    ClientId = "app",
                    ClientName = "Bench timer",
                    ClientAddr = "127.0.0.1",
                    IssuedAt = now,
                    ExpireAt = expireAt,
                    LastHeartbeat = now,
                });
            }
        }
    }

    /// <summary>Times the timer's kind of seat read (a two-row partition query) against a point read, at this table size.</summary>
    private static async Task<List<EndpointResult>> ProbeAsync(BenchContext context, string prefix, SeatRow seat, CancellationToken ct)
    {
        var table = context.Table(TableKeys.LicensesTable(prefix));
        var live = new LiveCounters();
        var recorder = new Recorder(live);
        var filter = $"PartitionKey eq '{seat.LicenseId}' and (RowKey eq '{TableKeys.LicenseRow}' or RowKey eq '{seat.RowKey}')";
        for (var i = 0; i < ProbeReads; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await foreach (var _ in table.QueryAsync<TableEntity>(filter, cancellationToken: ct).ConfigureAwait(false))
            {
            }

            recorder.Record("floor:query-2-rows", start, 200);
            start = Stopwatch.GetTimestamp();
            await table.GetEntityAsync<TableEntity>(seat.LicenseId, seat.RowKey, cancellationToken: ct).ConfigureAwait(false);
            recorder.Record("floor:point-read", start, 200);
        }

        return Recorder.Merge([recorder], TimeSpan.Zero);
    }

    /// <summary>Frees Azurite's memory: the next run starts from tables of its own size only.</summary>
    private static async Task DropTablesAsync(BenchContext context, string prefix, CancellationToken ct)
    {
        foreach (var name in new[] { TableKeys.LicensesTable(prefix), TableKeys.ExpiryIndexTable(prefix), TableKeys.ApiKeysTable(prefix) })
        {
            await context.Table(name).DeleteAsync(ct).ConfigureAwait(false);
        }
    }
}
