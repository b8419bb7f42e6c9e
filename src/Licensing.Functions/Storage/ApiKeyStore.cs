namespace Licensing.Storage;

/// <summary>
/// The API keys' partition: key rows and their audit events. A key is created with its event in one transaction
/// (a duplicate id fails instead of overwriting) and deleted under the ETag it was read with, with its event.
/// </summary>
public sealed class ApiKeyStore(StorageTables tables, WebhookOutbox outbox)
{
    /// <summary>
    /// Creates the key with the event recording it. The SDK retries a create whose first try committed and whose
    /// answer was lost: a 409 then finds this very row (its secret's hash is unique to one create) and counts as created.
    /// </summary>
    public async Task CreateAsync(ApiKeyRow key, AuditEventRow created, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
        await outbox.BeforeApiKeyCommitAsync(created, ct).ConfigureAwait(false);
        try
        {
            await tables.ApiKeys.SubmitTransactionAsync(
                [
                    new TableTransactionAction(TableTransactionActionType.Add, key.ToEntity()),
                    new TableTransactionAction(TableTransactionActionType.Add, created.ToEntity()),
                ],
                ct).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            if (await ReadEntityAsync(key.Id, ct).ConfigureAwait(false) is not { } stored
                || !CryptographicOperations.FixedTimeEquals(ApiKeyRow.FromEntity(stored).SecretHash, key.SecretHash))
            {
                throw;
            }
        }
    }

    /// <summary>The key of this id, by a point read; null when there is none.</summary>
    public async Task<ApiKeyRow?> FindAsync(string id, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
        return await ReadEntityAsync(id, ct).ConfigureAwait(false) is { } entity ? ApiKeyRow.FromEntity(entity) : null;
    }

    /// <summary>Every key (its partition without the event rows).</summary>
    public async Task<IReadOnlyList<ApiKeyRow>> ListAsync(CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
        var rows = new List<ApiKeyRow>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.ApiKeyPartition}");
        await foreach (var entity in tables.ApiKeys.QueryAsync<TableEntity>(filter, cancellationToken: ct).ConfigureAwait(false))
        {
            if (!TableKeys.IsEventRow(entity.RowKey))
            {
                rows.Add(ApiKeyRow.FromEntity(entity));
            }
        }

        return rows;
    }

    /// <summary>
    /// Deletes the key under the ETag it was read with, with the event <paramref name="recordDeletion"/> builds: a key
    /// deleted meanwhile rolls the transaction back, so its deletion is recorded once. False when there was no key.
    /// </summary>
    public async Task<bool> DeleteAsync(string id, Func<ApiKeyRow, AuditEventRow> recordDeletion, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
        if (await ReadEntityAsync(id, ct).ConfigureAwait(false) is not { } entity)
        {
            return false;
        }

        var deleted = recordDeletion(ApiKeyRow.FromEntity(entity));
        await outbox.BeforeApiKeyCommitAsync(deleted, ct).ConfigureAwait(false);
        try
        {
            await tables.ApiKeys.SubmitTransactionAsync(
                [
                    new TableTransactionAction(TableTransactionActionType.Delete, entity, entity.ETag),
                    new TableTransactionAction(TableTransactionActionType.Add, deleted.ToEntity()),
                ],
                ct).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (StorageErrors.IsLostRace(ex))
        {
            return false;
        }
    }

    private async Task<TableEntity?> ReadEntityAsync(string id, CancellationToken ct)
    {
        var response = await tables.ApiKeys.GetEntityIfExistsAsync<TableEntity>(TableKeys.ApiKeyPartition, id, cancellationToken: ct).ConfigureAwait(false);
        return response.HasValue ? response.Value : null;
    }
}
