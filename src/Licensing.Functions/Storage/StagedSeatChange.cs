namespace Licensing.Storage;

/// <summary>
/// One seat change decided but not yet submitted (<see cref="SeatStore.Stage"/>): the actions on its own rows (seats,
/// ended-seat index entries), its events, and the license row's counters and hour's usage row as they stand after it.
/// Changes staged one after another on the same license commit together in order (<see cref="SeatStore.CommitStagedAsync"/>).
/// </summary>
public sealed record StagedSeatChange(
    IReadOnlyList<TableTransactionAction> RowActions,
    IReadOnlyList<AuditEventRow> Events,
    TableEntity Counters,
    TableEntity? UsageRow,
    long EventsBefore)
{
    /// <summary>The actions this change adds to a transaction besides the license row and the usage row.</summary>
    public int Size => RowActions.Count + Events.Count;
}
