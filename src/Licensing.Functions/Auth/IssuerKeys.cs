namespace Licensing.Auth;

/// <summary>
/// An OpenID Connect issuer's metadata and signing keys (<c>{issuer}/.well-known/openid-configuration</c> and its
/// <c>jwks_uri</c>, read by the library's retriever), cached: read again once <see cref="MaxAge"/> old, and when a token
/// names a key id they lack (the issuer rotated its keys), at most once per <see cref="ForcedReadInterval"/>. A failed
/// read keeps the keys already held and is not retried for <see cref="RetryAfterFailure"/>; keys last read longer than
/// <see cref="KeyLifetime"/> ago are not used at all (an issuer that withdrew a key may be unreachable for good). Times
/// are the app's clock.
/// </summary>
/// <remarks>
/// Not the library's <c>ConfigurationManager</c>: by default it re-reads in the background, so the call that meets a
/// rotated key fails although the next one passes, and its blocking mode is a process-wide switch that the first
/// <c>JsonWebTokenHandler</c> created anywhere in the process freezes.
/// </remarks>
public sealed partial class IssuerKeys : IDisposable
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromHours(12);
    public static readonly TimeSpan ForcedReadInterval = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan KeyLifetime = TimeSpan.FromHours(24);

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly HttpDocumentRetriever _documents;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile Snapshot _state = new(null, DateTimeOffset.MinValue, DateTimeOffset.MinValue, DateTimeOffset.MinValue);

    public IssuerKeys(string metadataAddress, bool requireHttps, TimeProvider clock, ILogger logger)
    {
        Address = metadataAddress;
        _documents = new HttpDocumentRetriever(_http) { RequireHttps = requireHttps };
        _clock = clock;
        _logger = logger;
    }

    public string Address { get; }

    /// <summary>The metadata and keys, read if none are held or they are old; null when none were read in <see cref="KeyLifetime"/>.</summary>
    public async Task<OpenIdConnectConfiguration?> GetAsync(CancellationToken ct)
    {
        var state = _state;
        var now = _clock.GetUtcNow();
        if ((state.Configuration is null || now - state.ReadAt >= MaxAge) && now - state.FailedAt >= RetryAfterFailure)
        {
            await ReadAsync(s => (s.Configuration is null || now - s.ReadAt >= MaxAge) && now - s.FailedAt >= RetryAfterFailure, forced: false, ct).ConfigureAwait(false);
        }

        return Usable(_state, now);
    }

    /// <summary>
    /// A token named a key id that <paramref name="seen"/> lacks: the keys read again unless that was done less than
    /// <see cref="ForcedReadInterval"/> ago. Returns what is held afterwards, <paramref name="seen"/> when nothing changed.
    /// </summary>
    public async Task<OpenIdConnectConfiguration?> ReadAgainAsync(OpenIdConnectConfiguration seen, CancellationToken ct)
    {
        var now = _clock.GetUtcNow();
        await ReadAsync(s => ReferenceEquals(s.Configuration, seen) && now - s.ForcedAt >= ForcedReadInterval, forced: true, ct).ConfigureAwait(false);
        return Usable(_state, now);
    }

    private static OpenIdConnectConfiguration? Usable(Snapshot state, DateTimeOffset now) =>
        now - state.ReadAt < KeyLifetime ? state.Configuration : null;

    public void Dispose()
    {
        _http.Dispose();
        _gate.Dispose();
    }

    private async Task ReadAsync(Func<Snapshot, bool> due, bool forced, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            // Whoever held the gate before may have read them already.
            var state = _state;
            if (!due(state))
            {
                return;
            }

            var now = _clock.GetUtcNow();
            try
            {
                var configuration = await OpenIdConnectConfigurationRetriever.GetAsync(Address, _documents, ct).ConfigureAwait(false);
                state = state with { Configuration = configuration, ReadAt = now, FailedAt = DateTimeOffset.MinValue };
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                LogUnreadable(_logger, Address, (ex.InnerException ?? ex).GetType().Name, state.Configuration is not null);
                state = state with { FailedAt = now };
            }

            _state = forced ? state with { ForcedAt = now } : state;
        }
        finally
        {
            _gate.Release();
        }
    }

    private sealed record Snapshot(OpenIdConnectConfiguration? Configuration, DateTimeOffset ReadAt, DateTimeOffset FailedAt, DateTimeOffset ForcedAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The token issuer's metadata at {Address} could not be read ({Kind}); keys still held: {Held}")]
    private static partial void LogUnreadable(ILogger logger, string address, string kind, bool held);
}
