namespace Licensing.Auth;

/// <summary>
/// Checks presented API keys: <c>lk_{id}_{secret}</c>, stored only as a SHA-256 hash, compared in constant time. A key's
/// row is cached for at most <see cref="CacheDuration"/>, the longest a deleted key may keep working on another instance;
/// ids that name no key are cached apart (<see cref="KeyCache"/>), so made-up ids cannot push the real keys out. A key
/// past its <see cref="ApiKeyRow.ExpiresAt"/> is refused as expired.
/// </summary>
public sealed class ApiKeyAuthenticator
{
    public static readonly TimeSpan CacheDuration = TimeSpan.FromSeconds(60);
    public const string Prefix = "lk_";
    public const int IdLength = 10;
    public const int SecretLength = 32;
    public const int MaxCachedUnknownKeys = 10_000;

    private readonly ApiKeyStore _store;
    private readonly TimeProvider _clock;
    private readonly byte[] _adminKeyHash;
    private readonly KeyCache _cache = new(MaxCachedUnknownKeys);

    public ApiKeyAuthenticator(ApiKeyStore store, TimeProvider clock, IOptions<LicensingOptions> options)
    {
        _store = store;
        _clock = clock;
        _adminKeyHash = Hash(options.Value.AdminApiKey);
    }

    /// <summary>The caller a presented key stands for; no caller when it is missing or wrong, or when it has expired.</summary>
    public async Task<ApiKeyCheck> AuthenticateAsync(string? presented, string clientAddr, CancellationToken ct)
    {
        if (!TryCheckBootstrap(presented, clientAddr, out var hash, out var bootstrap))
        {
            return ApiKeyCheck.Wrong;
        }

        if (bootstrap is not null)
        {
            return bootstrap;
        }

        if (!TryParseId(presented!, out var id))
        {
            return ApiKeyCheck.Wrong;
        }

        return Check(await FindAsync(id, ct).ConfigureAwait(false), hash, clientAddr);
    }

    /// <summary>
    /// The check this instance can make from memory alone, without a storage read: the bootstrap admin key, or a key
    /// whose row it holds cached. Null for any other key: it is not known here (a throttled address gets no read for it).
    /// </summary>
    public ApiKeyCheck? AuthenticateKnown(string? presented, string clientAddr)
    {
        if (!TryCheckBootstrap(presented, clientAddr, out var hash, out var bootstrap))
        {
            return null;
        }

        if (bootstrap is not null)
        {
            return bootstrap;
        }

        return TryParseId(presented!, out var id) && _cache.TryGet(id, _clock.GetUtcNow(), out var row) && row is not null
            ? Check(row, hash, clientAddr)
            : null;
    }

    /// <summary>False for a key that cannot be one (missing, too long); else its hash, and the caller when it is the bootstrap admin key.</summary>
    private bool TryCheckBootstrap(string? presented, string clientAddr, out byte[] hash, out ApiKeyCheck? bootstrap)
    {
        bootstrap = null;
        hash = [];
        if (string.IsNullOrEmpty(presented) || presented.Length > 256)
        {
            return false;
        }

        hash = Hash(presented);
        if (CryptographicOperations.FixedTimeEquals(hash, _adminKeyHash))
        {
            bootstrap = new ApiKeyCheck(new Caller("bootstrap-admin", ApiScopes.Admin, null, clientAddr));
        }

        return true;
    }

    private ApiKeyCheck Check(ApiKeyRow? row, byte[] hash, string clientAddr)
    {
        if (row is null || !CryptographicOperations.FixedTimeEquals(hash, row.SecretHash))
        {
            return ApiKeyCheck.Wrong;
        }

        return row.ExpiresAt <= _clock.GetUtcNow()
            ? new ApiKeyCheck(null, Expired: true)
            : new ApiKeyCheck(new Caller(row.Id, row.Scope, row.ProductId, clientAddr));
    }

    /// <summary>Drops what this instance remembers of a key (it was created or deleted here): it takes effect at once.</summary>
    public void Forget(string id) => _cache.Forget(id);

    public static bool IsKeyId(string id) => id.Length == IdLength && id.All(IsBase32);

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    private async Task<ApiKeyRow?> FindAsync(string id, CancellationToken ct)
    {
        var now = _clock.GetUtcNow();
        if (_cache.TryGet(id, now, out var cached))
        {
            return cached;
        }

        var row = await _store.FindAsync(id, ct).ConfigureAwait(false);
        _cache.Remember(id, row, now + CacheDuration);
        return row;
    }

    private static bool TryParseId(string key, out string id)
    {
        id = "";
        if (!key.StartsWith(Prefix, StringComparison.Ordinal) || key.Length != Prefix.Length + IdLength + 1 + SecretLength || key[Prefix.Length + IdLength] != '_')
        {
            return false;
        }

        id = key.Substring(Prefix.Length, IdLength);
        return IsKeyId(id);
    }

    private static bool IsBase32(char c) => c is (>= 'a' and <= 'z') or (>= '2' and <= '7');
}

/// <summary>What a presented API key turned out to be: the caller it stands for, or none (wrong, or <paramref name="Expired"/>).</summary>
public sealed record ApiKeyCheck(Caller? Caller, bool Expired = false)
{
    public static readonly ApiKeyCheck Wrong = new((Caller?)null);
}
