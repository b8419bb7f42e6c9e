namespace Licensing.Storage;

/// <summary>What a policy write came to.</summary>
public enum PolicyWrite
{
    Done,

    /// <summary>Another writer changed or deleted the policy first (retry).</summary>
    LostRace,

    /// <summary>The product has a trial policy already.</summary>
    TrialTaken,
}

/// <summary>
/// Policy rows, a partition per product (so a product's policies are one range read), each trial policy with its
/// product's trial marker row in the same transaction: the marker's create is what keeps a product to one trial policy
/// under any concurrency.
/// </summary>
public sealed class PolicyStore(StorageTables tables)
{
    public async Task<PolicyRow?> ReadAsync(string policyId, CancellationToken ct)
    {
        if (TableKeys.ProductOfPolicy(policyId) is not { } productId)
        {
            return null;
        }

        await tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
        return await TableOperations.PointReadAsync(tables.Licenses, TableKeys.PolicyPartition(productId), policyId, ct).ConfigureAwait(false) is { } row
            ? PolicyRow.FromEntity(row)
            : null;
    }

    /// <summary>The product's trial policy: its marker, then the policy (two point reads); null when it has none.</summary>
    public async Task<PolicyRow?> ReadTrialAsync(string productId, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
        var marker = await TableOperations.PointReadAsync(tables.Licenses, TableKeys.PolicyPartition(productId), TableKeys.TrialPolicyRow, ct).ConfigureAwait(false);
        return marker?.GetString(nameof(PolicyRow.PolicyId)) is { } policyId ? await ReadAsync(policyId, ct).ConfigureAwait(false) : null;
    }

    public async Task<PolicyWrite> AddAsync(PolicyRow policy, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
        List<TableTransactionAction> actions = [new(TableTransactionActionType.Add, policy.ToEntity())];
        if (policy.Trial)
        {
            actions.Add(new(TableTransactionActionType.Add, policy.TrialMarker()));
        }

        return await SubmitAsync(actions, policy.Trial, ct).ConfigureAwait(false);
    }

    /// <summary>Replaces the policy under its ETag; its trial marker is created or deleted with it when the flag changed.</summary>
    public Task<PolicyWrite> UpdateAsync(PolicyRow policy, bool wasTrial, CancellationToken ct)
    {
        List<TableTransactionAction> actions = [new(TableTransactionActionType.UpdateReplace, policy.ToEntity(), policy.ETag)];
        if (policy.Trial && !wasTrial)
        {
            actions.Add(new(TableTransactionActionType.Add, policy.TrialMarker()));
        }
        else if (!policy.Trial && wasTrial)
        {
            actions.Add(new(TableTransactionActionType.Delete, policy.TrialMarker(), ETag.All));
        }

        return SubmitAsync(actions, policy.Trial && !wasTrial, ct);
    }

    public Task<PolicyWrite> DeleteAsync(PolicyRow policy, CancellationToken ct)
    {
        List<TableTransactionAction> actions = [new(TableTransactionActionType.Delete, policy.ToEntity(), policy.ETag)];
        if (policy.Trial)
        {
            actions.Add(new(TableTransactionActionType.Delete, policy.TrialMarker(), ETag.All));
        }

        return SubmitAsync(actions, claimsTrial: false, ct);
    }

    /// <summary>A page of policies, of one product or of all; null when the token is not one this API handed out.</summary>
    public async Task<(IReadOnlyList<PolicyRow> Policies, string? Next)?> ListAsync(string? productId, int pageSize, string? continuationToken, CancellationToken ct)
    {
        await tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
        var rows = $"RowKey ge '{TableKeys.PolicyIdPrefix}' and RowKey lt '{TableKeys.PolicyRowsEnd}'";
        var filter = productId is null
            ? TableClient.CreateQueryFilter($"PartitionKey ge {TableKeys.PolicyPartitionsFrom} and PartitionKey lt {TableKeys.PolicyPartitionsEnd}") + " and " + rows
            : TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.PolicyPartition(productId)}") + " and " + rows;
        return await TablePages.ReadAsync(tables.Licenses, filter, pageSize, continuationToken, ct).ConfigureAwait(false) is { } page
            ? (page.Rows.Select(PolicyRow.FromEntity).ToArray(), page.Next)
            : null;
    }

    private async Task<PolicyWrite> SubmitAsync(List<TableTransactionAction> actions, bool claimsTrial, CancellationToken ct)
    {
        try
        {
            await tables.Licenses.SubmitTransactionAsync(actions, ct).ConfigureAwait(false);
            return PolicyWrite.Done;
        }
        catch (RequestFailedException ex) when (claimsTrial && ex.Status == 409)
        {
            // The policy row is new under a random id or guarded by its ETag (412): a conflict is the trial marker's.
            return PolicyWrite.TrialTaken;
        }
        catch (RequestFailedException ex) when (StorageErrors.IsLostRace(ex))
        {
            return PolicyWrite.LostRace;
        }
    }
}
