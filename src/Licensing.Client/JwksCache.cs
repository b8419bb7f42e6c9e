namespace Licensing.Client;

/// <summary>
/// The server's public keys, fetched once and again when a document names an unknown key (at most once a minute), or
/// the keys the app pinned (<see cref="LicensingClientOptions.ServerKeys"/>), never replaced by the server's.
/// </summary>
internal sealed class JwksCache(LicensingClient client, TimeProvider clock, JsonWebKeySet? pinned) : IDisposable
{
    private static readonly TimeSpan MinRefreshInterval = TimeSpan.FromMinutes(1);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private JsonWebKeySet? _keys;
    private DateTimeOffset _fetchedAt;

    public async Task<LicenseVerifier> GetVerifierAsync(TimeSpan clockSkew, CancellationToken ct) =>
        new(await KeysAsync(forceRefresh: false, ct).ConfigureAwait(false), clockSkew, clock);

    public async Task<T> VerifyAsync<T>(Func<LicenseVerifier, T> verify, TimeSpan clockSkew, CancellationToken ct)
    {
        var verifier = await GetVerifierAsync(clockSkew, ct).ConfigureAwait(false);
        try
        {
            return verify(verifier);
        }
        catch (LicensingException ex) when (ex.Kind == LicensingErrorKind.VerificationFailed && pinned is null && clock.GetUtcNow() - _fetchedAt >= MinRefreshInterval)
        {
            // Perhaps a key the server started using after we fetched: fetch once more and try again.
            verifier = new LicenseVerifier(await KeysAsync(forceRefresh: true, ct).ConfigureAwait(false), clockSkew, clock);
            return verify(verifier);
        }
    }

    private async Task<JsonWebKeySet> KeysAsync(bool forceRefresh, CancellationToken ct)
    {
        if (pinned is not null)
        {
            return pinned;
        }

        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_keys is null || forceRefresh)
            {
                _keys = await client.GetKeysAsync(ct).ConfigureAwait(false);
                _fetchedAt = clock.GetUtcNow();
            }

            return _keys;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
