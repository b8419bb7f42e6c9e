namespace Licensing.Seats;

/// <summary>How a live seat ends when a caller ends it (deactivate, release, an admin's revoke).</summary>
public static class SeatEndings
{
    /// <summary>
    /// Ends a live seat as <paramref name="state"/>, recorded as <paramref name="eventType"/> by the caller; but a lease
    /// whose expiry passed ended then, as lapsed, whoever finds it: that is what is stored and recorded (actor
    /// <c>server</c>). Frees its place in the license's counter and returns the event to commit with the change.
    /// </summary>
    public static AuditEventRow End(LicenseRow license, SeatRow seat, string state, string eventType, DateTimeOffset now, Caller caller)
    {
        license.LiveSeats--;
        if (LicenseRules.HoldsSeat(seat, now))
        {
            seat.End(state, now);
            return AuditEvents.Seat(eventType, license, seat, now, caller);
        }

        seat.End(SeatState.Expired, seat.ExpireAt);
        return AuditEvents.Lapsed(license, seat, now);
    }
}
