using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Licensing.Audit;
using Licensing.Settings;
using Licensing.Storage;
using Microsoft.Extensions.Options;

namespace Licensing.Http;

/// <summary>
/// API keys: <c>lk_{id}_{secret}</c>, random (160-bit secret), stored only as a SHA-256 hash, compared in
/// constant time. Lookups are cached for at most <see cref="CacheDuration"/>, the longest a deleted key may
/// keep working on another instance.
/// </summary>
public sealed class ApiKeys
{
    public static readonly TimeSpan CacheDuration = TimeSpan.FromSeconds(60);
    private const int MaxCachedKeys = 10_000;
    private const string Prefix = "lk_";

    private readonly StorageTables _tables;
    private readonly TimeProvider _clock;
    private readonly byte[] _adminKeyHash;
    private readonly ConcurrentDictionary<string, (ApiKeyRow? Row, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);

    public ApiKeys(StorageTables tables, TimeProvider clock, IOptions<LicensingOptions> options)
    {
        _tables = tables;
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

    public async Task<(ApiKeyRow Row, string Key)> CreateAsync(string name, string scope, string? productId, Caller caller, CancellationToken ct)
    {
        await _tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
        var id = Base32.Random(10);
        var key = Prefix + id + "_" + Base32.Random(32);
        var now = _clock.GetUtcNow();
        var row = new ApiKeyRow(id, name, scope, productId, now, Hash(key));
        try
        {
            // Create, with its audit event in the same transaction: a (vanishingly unlikely) id collision fails with
            // 409 instead of overwriting a key.
            await _tables.ApiKeys.SubmitTransactionAsync(
                [
                    new TableTransactionAction(TableTransactionActionType.Add, row.ToEntity()),
                    new TableTransactionAction(TableTransactionActionType.Add, AuditEvents.ApiKey(AuditEventTypes.ApiKeyCreated, row, now, caller).ToEntity()),
                ],
                ct).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // The SDK retries a create whose first try committed and whose answer was lost: then the row is this one.
            if (!await HoldsAsync(row, ct).ConfigureAwait(false))
            {
                throw;
            }
        }

        _cache.TryRemove(id, out _);
        return (row, key);
    }

    /// <summary>Whether the stored key of this id is the given one (its secret's hash is unique to one create).</summary>
    private async Task<bool> HoldsAsync(ApiKeyRow row, CancellationToken ct)
    {
        var stored = await _tables.ApiKeys.GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>(TableKeys.ApiKeyPartition, row.Id, cancellationToken: ct)
            .ConfigureAwait(false);
        return stored.HasValue && stored.Value is { } entity
            && CryptographicOperations.FixedTimeEquals(ApiKeyRow.FromEntity(entity).SecretHash, row.SecretHash);
    }

    public async Task<IReadOnlyList<ApiKeyRow>> ListAsync(CancellationToken ct)
    {
        await _tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
        var rows = new List<ApiKeyRow>();
        var filter = Azure.Data.Tables.TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.ApiKeyPartition}");
        await foreach (var entity in _tables.ApiKeys.QueryAsync<Azure.Data.Tables.TableEntity>(filter, cancellationToken: ct).ConfigureAwait(false))
        {
            if (!TableKeys.IsEventRow(entity.RowKey))
            {
                rows.Add(ApiKeyRow.FromEntity(entity));
            }
        }

        return rows;
    }

    /// <summary>Deletes a key, with its audit event in the same transaction; false when there was none. It stops working here at once.</summary>
    public async Task<bool> DeleteAsync(string id, Caller caller, CancellationToken ct)
    {
        await _tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
        _cache.TryRemove(id, out _);
        try
        {
            var found = await _tables.ApiKeys.GetEntityIfExistsAsync<TableEntity>(TableKeys.ApiKeyPartition, id, cancellationToken: ct).ConfigureAwait(false);
            if (!found.HasValue || found.Value is not { } entity)
            {
                return false;
            }

            // Delete under the ETag read: a key deleted meanwhile rolls the transaction back (404 or 412), so its
            // deletion is recorded once.
            var key = ApiKeyRow.FromEntity(entity);
            await _tables.ApiKeys.SubmitTransactionAsync(
                [
                    new TableTransactionAction(TableTransactionActionType.Delete, entity, entity.ETag),
                    new TableTransactionAction(TableTransactionActionType.Add, AuditEvents.ApiKey(AuditEventTypes.ApiKeyDeleted, key, _clock.GetUtcNow(), caller).ToEntity()),
                ],
                ct).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (SeatStore.IsLostRace(ex))
        {
            return false;
        }
        finally
        {
            _cache.TryRemove(id, out _);
        }
    }

    private async Task<ApiKeyRow?> FindAsync(string id, CancellationToken ct)
    {
        var now = _clock.GetUtcNow();
        if (_cache.TryGetValue(id, out var cached) && cached.Until > now)
        {
            return cached.Row;
        }

        await _tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
        var response = await _tables.ApiKeys
            .GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>(TableKeys.ApiKeyPartition, id, cancellationToken: ct)
            .ConfigureAwait(false);
        var row = response.HasValue && response.Value is { } entity ? ApiKeyRow.FromEntity(entity) : null;
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
        if (!key.StartsWith(Prefix, StringComparison.Ordinal) || key.Length != Prefix.Length + 10 + 1 + 32 || key[Prefix.Length + 10] != '_')
        {
            return false;
        }

        id = key.Substring(Prefix.Length, 10);
        return id.All(c => c is (>= 'a' and <= 'z') or (>= '2' and <= '7'));
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
