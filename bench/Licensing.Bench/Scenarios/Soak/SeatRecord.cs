using System.Globalization;
using Licensing.Domain;
using Licensing.Storage;

namespace Licensing.Bench.Scenarios.Soak;

/// <summary>What a client's answers say of its seat, and so what storage must hold for it.</summary>
public enum Holding
{
    /// <summary>No seat: the row is absent or holds none (a grant whose answer never came may have left a lapsed one).</summary>
    None,

    /// <summary>Granted or activated (then renewed) until <see cref="SeatRecord.ExpireAt"/>.</summary>
    Held,

    /// <summary>Released with a 200: the token's row is ended.</summary>
    Released,

    /// <summary>A heartbeat or validate said the lease lapsed: the token's row holds no seat.</summary>
    Lapsed,

    /// <summary>Deactivated with a 200.</summary>
    Deactivated,

    /// <summary>An answer the soak already reported as a violation: nothing more to check.</summary>
    Unknown,
}

/// <summary>
/// A client's own record of its seat, built only from the answers it got. <see cref="Pending"/> while a call that may
/// change the row's token or end it (request, activate, release, deactivate) has no definite answer yet (in flight, or
/// answered 503 and being retried): its effect is then unknown, so the record is not checked. A renewal under way
/// leaves it checkable: it can only move the expiry later, which the checks allow.
/// </summary>
public sealed record SeatRecord(string Who, string LicenseId, string RowKey, Holding Holding, string? TokenId, DateTimeOffset ExpireAt, bool Pending)
{
    /// <summary>A renewal's expiry read back from storage may differ by rounding, never by more.</summary>
    private static readonly TimeSpan Rounding = TimeSpan.FromMilliseconds(1);

    /// <summary>True when the record claims a seat change answered 200 (a grant, activation, release, ...).</summary>
    public bool HasAnsweredWrite => Holding is Holding.Held or Holding.Released or Holding.Lapsed or Holding.Deactivated;

    /// <summary>Why the stored seat row contradicts this record at <paramref name="at"/>, or null when it agrees.</summary>
    public string? Mismatch(SeatRow? row, DateTimeOffset at)
    {
        switch (Holding)
        {
            case Holding.None:
                return row is not null && LicenseRules.HoldsSeat(row, at) ? $"holds a seat though no grant was answered: stored {Describe(row)}" : null;

            case Holding.Held:
                if (row is null || row.TokenId != TokenId)
                {
                    return $"was answered {TokenId} until {Time(ExpireAt)}: stored {Describe(row)}";
                }

                if (row.ExpireAt < ExpireAt - Rounding)
                {
                    return $"was answered a renewal of {TokenId} until {Time(ExpireAt)}: stored {Describe(row)}";
                }

                // Only a lapsed lease may have been ended by another grant or the timer.
                return row.State == SeatState.Live || (row.State == SeatState.Expired && ExpireAt <= at)
                    ? null
                    : $"holds {TokenId} until {Time(ExpireAt)}: stored {Describe(row)}";

            case Holding.Released:
                return row is not null && row.TokenId == TokenId && row.State != SeatState.Live
                    ? null
                    : $"was answered 200 releasing {TokenId}: stored {Describe(row)}";

            case Holding.Lapsed:
                return row is not null && row.TokenId == TokenId && !LicenseRules.HoldsSeat(row, at)
                    ? null
                    : $"was told {TokenId} lapsed: stored {Describe(row)}";

            case Holding.Deactivated:
                return row is not null && row.TokenId == TokenId && row.State == SeatState.Deactivated
                    ? null
                    : $"was answered 200 deactivating {TokenId}: stored {Describe(row)}";

            default:
                return null;
        }
    }

    private static string Describe(SeatRow? row) =>
        row is null ? "no row" : $"{row.TokenId} {row.State} until {Time(row.ExpireAt)}";

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);
}
