namespace Licensing.Domain;

/// <summary>A seat row's stored state. Only <see cref="Live"/> rows count toward the license's LiveSeats counter.</summary>
public static class SeatState
{
    public const string Live = "live";
    public const string Released = "released";
    public const string Deactivated = "deactivated";
    public const string Expired = "expired";
    public const string Revoked = "revoked";

    /// <summary>The reason a heartbeat on an ended seat gives.</summary>
    public static string EndedReason(string state) => state switch
    {
        Released or Deactivated => Reasons.TokenReleased,
        Revoked => Reasons.TokenRevoked,
        _ => Reasons.TokenExpired,
    };
}
