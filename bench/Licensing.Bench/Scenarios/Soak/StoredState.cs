using System.Diagnostics;
using Azure.Data.Tables;
using Licensing.Domain;
using Licensing.Storage;

namespace Licensing.Bench.Scenarios.Soak;

/// <summary>
/// Every license row and seat row of the soak's Licenses table, read by one query (one page: the soak stays far
/// below 1,000 rows, so Azurite answers it from one moment), other rows of the partitions left out.
/// </summary>
public sealed class StoredState
{
    private static readonly string Filter =
        $"RowKey eq '{TableKeys.LicenseRow}' or (RowKey ge '{TableKeys.SeatPrefix}' and RowKey lt '{TableKeys.SeatRowsEnd}')";

    private readonly Dictionary<string, LicenseRow> _licenses = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, string), SeatRow> _seats = [];

    /// <summary>When the read ended: a lease whose expiry is later held its seat at the moment the query saw it.</summary>
    public DateTimeOffset ReadAt { get; private set; }

    public TimeSpan ReadTook { get; private set; }

    public IReadOnlyCollection<LicenseRow> Licenses => _licenses.Values;

    public static async Task<StoredState> ReadAsync(TableClient licenses, CancellationToken ct)
    {
        var state = new StoredState();
        var clock = Stopwatch.StartNew();
        await foreach (var entity in licenses.QueryAsync<TableEntity>(Filter, maxPerPage: 1000, cancellationToken: ct).ConfigureAwait(false))
        {
            if (entity.RowKey == TableKeys.LicenseRow)
            {
                state._licenses[entity.PartitionKey] = LicenseRow.FromEntity(entity);
            }
            else if (TableKeys.IsSeatRow(entity.RowKey))
            {
                state._seats[(entity.PartitionKey, entity.RowKey)] = SeatRow.FromEntity(entity);
            }
        }

        state.ReadAt = DateTimeOffset.UtcNow;
        state.ReadTook = clock.Elapsed;
        return state;
    }

    public SeatRow? Seat(string licenseId, string rowKey) => _seats.GetValueOrDefault((licenseId, rowKey));

    /// <summary>
    /// The seat invariants, per license, with "holds a seat" decided exactly as the server decides it
    /// (<see cref="LicenseRules.HoldsSeat"/>: state live and, for a lease, expiry not passed): seats held ≤ maxClientCount,
    /// LiveSeats ≤ maxClientCount, and LiveSeats = the rows in state live (it rides in every seat transaction).
    /// </summary>
    public IEnumerable<string> Breaches()
    {
        var seatsOf = _seats.Values.ToLookup(s => s.LicenseId, StringComparer.Ordinal);
        foreach (var license in _licenses.Values)
        {
            var seats = seatsOf[license.LicenseId].ToList();
            var held = seats.Count(s => LicenseRules.HoldsSeat(s, ReadAt));
            var live = seats.Count(s => s.State == SeatState.Live);
            if (held > license.MaxClientCount)
            {
                yield return $"license {license.LicenseId}: {held} seats held, maxClientCount {license.MaxClientCount}";
            }

            if (license.LiveSeats > license.MaxClientCount)
            {
                yield return $"license {license.LicenseId}: LiveSeats {license.LiveSeats}, maxClientCount {license.MaxClientCount}";
            }

            if (license.LiveSeats != live)
            {
                yield return $"license {license.LicenseId}: LiveSeats {license.LiveSeats}, {live} seat rows in state live";
            }
        }
    }

    /// <summary>Checks every client's record against the stored rows at <paramref name="at"/>: how many were verified and how many left unchecked.</summary>
    public (int Verified, int Uncertain) Verify(IEnumerable<SeatRecord> records, DateTimeOffset at, string when, SoakTally tally)
    {
        var (verified, uncertain) = (0, 0);
        foreach (var record in records)
        {
            if (record.Pending || record.Holding == Holding.Unknown)
            {
                uncertain++;
                continue;
            }

            if (record.Mismatch(Seat(record.LicenseId, record.RowKey), at) is { } mismatch)
            {
                tally.Violation($"{when}: {record.Who} {mismatch}");
            }
            else if (record.HasAnsweredWrite)
            {
                verified++;
            }
        }

        return (verified, uncertain);
    }
}
