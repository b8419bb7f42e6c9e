namespace Licensing.Metering;

/// <summary>
/// One instance's recordings of one meter take turns: they would only lose ETag races on the meter row to each other,
/// and a burst of them would retry in a storm. Striped by the meter's hash, so the locks stay few; instances still
/// guard each other with the meter row's ETag.
/// </summary>
public sealed class MeterLocks
{
    private const int Stripes = 256;
    private readonly SemaphoreSlim[] _stripes = Enumerable.Range(0, Stripes).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    public async Task<T> RunAsync<T>(string licenseId, string code, Func<Task<T>> work, CancellationToken ct)
    {
        var stripe = _stripes[(int)((uint)StringComparer.Ordinal.GetHashCode(licenseId + "\n" + code) % Stripes)];
        await stripe.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return await work().ConfigureAwait(false);
        }
        finally
        {
            stripe.Release();
        }
    }
}
