namespace Licensing.Storage;

/// <summary>How storage's refusals read to the code that wrote.</summary>
public static class StorageErrors
{
    /// <summary>
    /// Another writer got there first: the ETag moved (412), the row appeared (409) or went (404). The caller re-reads
    /// and decides again (<see cref="Contention"/>).
    /// </summary>
    public static bool IsLostRace(RequestFailedException ex) => ex.Status is 404 or 409 or 412;
}
