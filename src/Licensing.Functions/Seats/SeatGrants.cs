namespace Licensing.Seats;

/// <summary>The granted decision every seat call answers alike: the counts, the seat's signed token and the signed license.</summary>
internal static class SeatGrants
{
    /// <param name="seat">The seat granted, renewed or confirmed; null where the mode has no seats (validate on mode 0).</param>
    public static SeatDecision Granted(LicenseCredentials credentials, LicenseRow license, SeatRow? seat, DateTimeOffset now) => new(
        DeniedReason: null,
        license.LiveSeats,
        license.MaxClientCount,
        license.HeartbeatInterval,
        seat is null ? null : credentials.IssueToken(seat, license, now),
        credentials.IssueLicense(license, now),
        LicenseRules.GraceEndsAt(license, now),
        Overage: seat?.Overage ?? false);
}
