namespace Licensing.Auth;

/// <summary>
/// What this instance remembers of API key ids, each for a bounded time: the keys that exist, and apart from them the
/// ids that name no key. Only the second grows with what callers make up, so only it has a cap, and filling it (random
/// ids) clears the unknown ids alone: a real key stays remembered.
/// </summary>
public sealed class KeyCache(int maxUnknown)
{
    private readonly ConcurrentDictionary<string, (ApiKeyRow Row, DateTimeOffset Until)> _known = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _unknown = new(StringComparer.Ordinal);

    /// <summary>Whether the id is remembered at <paramref name="now"/>; <paramref name="row"/> is null for an id that names no key.</summary>
    public bool TryGet(string id, DateTimeOffset now, out ApiKeyRow? row)
    {
        if (_known.TryGetValue(id, out var known) && known.Until > now)
        {
            row = known.Row;
            return true;
        }

        row = null;
        return _unknown.TryGetValue(id, out var until) && until > now;
    }

    public void Remember(string id, ApiKeyRow? row, DateTimeOffset until)
    {
        if (row is not null)
        {
            _unknown.TryRemove(id, out _);
            _known[id] = (row, until);
            return;
        }

        _known.TryRemove(id, out _);
        if (_unknown.Count >= maxUnknown)
        {
            _unknown.Clear();
        }

        _unknown[id] = until;
    }

    public void Forget(string id)
    {
        _known.TryRemove(id, out _);
        _unknown.TryRemove(id, out _);
    }
}
