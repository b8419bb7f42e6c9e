using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Licensing.Settings;
using Licensing.Storage;
using Microsoft.Extensions.Options;

namespace Licensing.Auth;

/// <summary>
/// Checks presented API keys: <c>lk_{id}_{secret}</c>, stored only as a SHA-256 hash, compared in constant time. A key's
/// row is cached for at most <see cref="CacheDuration"/>, the longest a deleted key may keep working on another instance.
/// </summary>
public sealed class ApiKeyAuthenticator
{
    public static readonly TimeSpan CacheDuration = TimeSpan.FromSeconds(60);
    public const string Prefix = "lk_";
    public const int IdLength = 10;
    public const int SecretLength = 32;
    private const int MaxCachedKeys = 10_000;

    private readonly ApiKeyStore _store;
    private readonly TimeProvider _clock;
    private readonly byte[] _adminKeyHash;
    private readonly ConcurrentDictionary<string, (ApiKeyRow? Row, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);

    public ApiKeyAuthenticator(ApiKeyStore store, TimeProvider clock, IOptions<LicensingOptions> options)
    {
        _store = store;
        _clock = clock;
        _adminKeyHash = Hash(options.Value.AdminApiKey);
    }

    /// <summary>The caller a presented key stands for, or null when it is missing or wrong.</summary>
    public async Task<Caller?> AuthenticateAsync(string? presented, string clientAddr, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(presented) || presented.Length > 256)
        {
            return null;
        }

        var hash = Hash(presented);
        if (CryptographicOperations.FixedTimeEquals(hash, _adminKeyHash))
        {
            return new Caller("bootstrap-admin", ApiScopes.Admin, null, clientAddr);
        }

        if (!TryParseId(presented, out var id))
        {
            return null;
        }

        var row = await FindAsync(id, ct).ConfigureAwait(false);
        return row is not null && CryptographicOperations.FixedTimeEquals(hash, row.SecretHash)
            ? new Caller(row.Id, row.Scope, row.ProductId, clientAddr)
            : null;
    }

    /// <summary>Drops what this instance remembers of a key (it was created or deleted here): it takes effect at once.</summary>
    public void Forget(string id) => _cache.TryRemove(id, out _);

    public static bool IsKeyId(string id) => id.Length == IdLength && id.All(IsBase32);

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    private async Task<ApiKeyRow?> FindAsync(string id, CancellationToken ct)
    {
        var now = _clock.GetUtcNow();
        if (_cache.TryGetValue(id, out var cached) && cached.Until > now)
        {
            return cached.Row;
        }

        var row = await _store.FindAsync(id, ct).ConfigureAwait(false);
        if (_cache.Count >= MaxCachedKeys)
        {
            _cache.Clear();
        }

        _cache[id] = (row, now + CacheDuration);
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
