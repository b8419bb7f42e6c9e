namespace Licensing.Domain;

/// <summary>A page asked for: its size and the continuation token of an earlier page.</summary>
public sealed record PageRequest(int PageSize, string? ContinuationToken)
{
    public const int DefaultPageSize = 100;

    public static Refusal UnknownContinuationToken { get; } =
        new(RefusalCodes.ValidationFailed, "is not a token this API returned.", Field: "continuationToken");
}

/// <summary>A page of audit events, newest first, and the token of the next page.</summary>
public sealed record AuditPage(IReadOnlyList<AuditEventRow> Events, string? Next);

/// <summary>A page of a license's seat rows, live and ended, as of a time, and the token of the next page.</summary>
public sealed record SeatPage(IReadOnlyList<SeatRow> Seats, string? Next, DateTimeOffset At);

/// <summary>
/// What the admin list looks for: <paramref name="Text"/> matches a license id, a user key exactly, or the start of a
/// customer name (case ignored); <paramref name="ProductId"/> exactly. Null: anything.
/// </summary>
public sealed record LicenseSearch(string? Text, string? ProductId);

/// <summary>A page of licenses and the token of the next page.</summary>
public sealed record LicenseRowPage(IReadOnlyList<LicenseRow> Licenses, string? Next);
