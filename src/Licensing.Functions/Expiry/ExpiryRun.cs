namespace Licensing.Expiry;

/// <summary>What one timer run did, logged as counts.</summary>
public sealed record ExpiryRun(int Examined, int Lapsed, int Moved, int Purged, int Stale, bool Complete);
