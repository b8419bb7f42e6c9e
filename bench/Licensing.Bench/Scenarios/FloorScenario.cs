using System.Diagnostics;
using Azure;
using Azure.Data.Tables;
using Licensing.Bench.Load;
using Licensing.Bench.Results;
using Licensing.Domain;
using Licensing.Storage;

namespace Licensing.Bench.Scenarios;

/// <summary>
/// floor: the minimal storage work of the server's calls, done by this process straight against the same Azurite
/// with Azure.Data.Tables, with the same concurrency, on the heartbeat layout's own tables:
/// <list type="bullet">
/// <item>a heartbeat pair: a point read of the seat row and one ETag-guarded merge of it (the server holds the license's
/// terms in its license cache, so a warm heartbeat reads the license row no more);</item>
/// <item>a checkout cycle: request (read, expiry hint, transaction of counter merge + seat write under ETags),
/// k heartbeat pairs, release (read, transaction) — on a partition per client, so no race is lost.</item>
/// </list>
/// </summary>
public static class FloorScenario
{
    public static async Task<RunResult> HeartbeatPairsAsync(BenchContext context, LeaseFixture fixture, int concurrency, CancellationToken ct)
    {
        var table = context.Table(TableKeys.LicensesTable(fixture.Session.Server.TablePrefix));
        var shares = Enumerable.Range(0, concurrency)
            .Select(c => concurrency <= fixture.Leases.Count ? fixture.ShareOf(c, concurrency) : [fixture.Leases[c % fixture.Leases.Count]])
            .ToArray();
        var next = new int[concurrency];
        return await context.MeasureAsync("floor-heartbeat", concurrency, async (client, recorder, token) =>
        {
            var share = shares[client];
            var lease = share[next[client]++ % share.Length];
            await PairAsync(context, table, lease.LicenseId, lease.SeatRow, recorder, token).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
    }

    public static async Task<RunResult> CheckoutCyclesAsync(BenchContext context, LeaseFixture fixture, int concurrency, CancellationToken ct)
    {
        var prefix = fixture.Session.Server.TablePrefix;
        var licenses = context.Table(TableKeys.LicensesTable(prefix));
        var expiry = context.Table(TableKeys.ExpiryIndexTable(prefix));
        var run = Guid.NewGuid().ToString("N")[..8];
        var partitions = new string[concurrency];
        for (var c = 0; c < concurrency; c++)
        {
            partitions[c] = $"lic_floor{run}{c:D4}";
            var license = new LicenseRow
            {
                LicenseId = partitions[c],
                UserKey = "floor-" + partitions[c],
                ProductId = "default",
                Mode = LicensingMode.Floating,
                MaxClientCount = 1,
                HeartbeatInterval = LeaseFixture.HeartbeatInterval,
                IssuedAt = DateTimeOffset.UtcNow,
            };
            await licenses.AddEntityAsync(license.ToEntity(), ct).ConfigureAwait(false);
        }

        var heartbeats = context.Options.Heartbeats;
        return await context.MeasureAsync("floor-checkout", concurrency, async (client, recorder, token) =>
        {
            var licenseId = partitions[client];
            var seatRow = TableKeys.LeaseRow($"floor-machine-{client}", "app");
            if (!await RequestAsync(context, licenses, expiry, licenseId, seatRow, recorder, token).ConfigureAwait(false))
            {
                return;
            }

            for (var k = 0; k < heartbeats; k++)
            {
                await PairAsync(context, licenses, licenseId, seatRow, recorder, token).ConfigureAwait(false);
            }

            await ReleaseAsync(context, licenses, licenseId, seatRow, recorder, token).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
    }

    private static async Task PairAsync(BenchContext context, TableClient table, string licenseId, string seatRow, Recorder recorder, CancellationToken ct)
    {
        var tally = context.Counter.Begin("floor:heartbeat");
        var start = Stopwatch.GetTimestamp();
        try
        {
            // The server takes the license's terms from its license cache: only the lease row is read.
            var read = await table.GetEntityIfExistsAsync<TableEntity>(licenseId, seatRow, cancellationToken: ct).ConfigureAwait(false);
            var seat = read.HasValue ? read.Value : null;
            if (seat is null)
            {
                recorder.Record("floor:heartbeat", start, 404);
                return;
            }

            var now = DateTimeOffset.UtcNow;
            var merge = new TableEntity(licenseId, seatRow)
            {
                [nameof(SeatRow.LastHeartbeat)] = now,
                [nameof(SeatRow.ExpireAt)] = now + LeaseFixture.HeartbeatInterval + LeaseFixture.HeartbeatInterval,
            };
            await table.UpdateEntityAsync(merge, seat.ETag, TableUpdateMode.Merge, ct).ConfigureAwait(false);
            recorder.Record("floor:heartbeat", start, 200);
        }
        catch (RequestFailedException ex)
        {
            recorder.Record("floor:heartbeat", start, Status(ex));
        }
        finally
        {
            context.Counter.End(tally);
        }
    }

    private static async Task<bool> RequestAsync(BenchContext context, TableClient licenses, TableClient expiry, string licenseId, string seatRow, Recorder recorder, CancellationToken ct)
    {
        var tally = context.Counter.Begin("floor:request");
        var start = Stopwatch.GetTimestamp();
        try
        {
            var (license, seat) = await ReadAsync(licenses, licenseId, seatRow, ct).ConfigureAwait(false);
            var now = DateTimeOffset.UtcNow;
            var tokenId = TokenIds.NewLease();
            var expireAt = now + LeaseFixture.HeartbeatInterval + LeaseFixture.HeartbeatInterval;
            await expiry.AddEntityAsync(new ExpiryEntry(expireAt, licenseId, seatRow, tokenId).ToEntity(), ct).ConfigureAwait(false);
            var lease = new SeatRow
            {
                LicenseId = licenseId,
                RowKey = seatRow,
                TokenId = tokenId,
                MachineId = seatRow,
                ClientId = "app",
                ClientName = "Floor client",
                ClientAddr = "127.0.0.1",
                IssuedAt = now,
                ExpireAt = expireAt,
                LastHeartbeat = now,
            };
            var counter = new TableEntity(licenseId, TableKeys.LicenseRow) { ["LiveSeats"] = license!.GetInt32("LiveSeats").GetValueOrDefault() + 1 };
            await licenses.SubmitTransactionAsync(
            [
                new TableTransactionAction(TableTransactionActionType.UpdateMerge, counter, license.ETag),
                seat is null
                    ? new TableTransactionAction(TableTransactionActionType.Add, lease.ToEntity())
                    : new TableTransactionAction(TableTransactionActionType.UpdateReplace, lease.ToEntity(), seat.ETag),
            ], ct).ConfigureAwait(false);
            recorder.Record("floor:request", start, 200);
            return true;
        }
        catch (RequestFailedException ex)
        {
            recorder.Record("floor:request", start, Status(ex));
            return false;
        }
        finally
        {
            context.Counter.End(tally);
        }
    }

    private static async Task ReleaseAsync(BenchContext context, TableClient licenses, string licenseId, string seatRow, Recorder recorder, CancellationToken ct)
    {
        var tally = context.Counter.Begin("floor:release");
        var start = Stopwatch.GetTimestamp();
        try
        {
            var (license, seat) = await ReadAsync(licenses, licenseId, seatRow, ct).ConfigureAwait(false);
            var ended = new TableEntity(licenseId, seatRow) { ["State"] = SeatState.Released, ["EndedAt"] = DateTimeOffset.UtcNow };
            var counter = new TableEntity(licenseId, TableKeys.LicenseRow) { ["LiveSeats"] = license!.GetInt32("LiveSeats").GetValueOrDefault() - 1 };
            await licenses.SubmitTransactionAsync(
            [
                new TableTransactionAction(TableTransactionActionType.UpdateMerge, counter, license.ETag),
                new TableTransactionAction(TableTransactionActionType.UpdateMerge, ended, seat!.ETag),
            ], ct).ConfigureAwait(false);
            recorder.Record("floor:release", start, 200);
        }
        catch (RequestFailedException ex)
        {
            recorder.Record("floor:release", start, Status(ex));
        }
        finally
        {
            context.Counter.End(tally);
        }
    }

    /// <summary>The license row and one seat row of a partition by two point reads sent together, as the server reads them.</summary>
    private static async Task<(TableEntity? License, TableEntity? Seat)> ReadAsync(TableClient table, string licenseId, string seatRow, CancellationToken ct)
    {
        var license = table.GetEntityIfExistsAsync<TableEntity>(licenseId, TableKeys.LicenseRow, cancellationToken: ct);
        var seat = table.GetEntityIfExistsAsync<TableEntity>(licenseId, seatRow, cancellationToken: ct);
        await Task.WhenAll(license, seat).ConfigureAwait(false);
        return (license.Result.HasValue ? license.Result.Value : null, seat.Result.HasValue ? seat.Result.Value : null);
    }

    private static int Status(RequestFailedException ex) => ex.Status == 0 ? 503 : ex.Status;
}
