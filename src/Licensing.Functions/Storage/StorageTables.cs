namespace Licensing.Storage;

/// <summary>Extra pipeline policies for the table clients (tests count round trips and inject faults with them).</summary>
public sealed class TablePipelineOptions
{
    /// <summary>Once per call, before the SDK's retries.</summary>
    public IList<HttpPipelinePolicy> PerCallPolicies { get; } = [];

    /// <summary>On every attempt, inside the SDK's retries.</summary>
    public IList<HttpPipelinePolicy> PerRetryPolicies { get; } = [];
}

/// <summary>The app's tables, reached by connection string or by managed identity as the settings say.</summary>
public sealed class StorageTables
{
    private readonly object _gate = new();
    private Task? _created;

    public StorageTables(IOptions<LicensingOptions> options, IOptions<TablePipelineOptions> pipeline, LicensingMetrics metrics)
    {
        var settings = options.Value;
        var clientOptions = new TableClientOptions();
        // Bounded so a storage outage answers 503 within seconds instead of hanging on default retries.
        clientOptions.Retry.MaxRetries = 2;
        clientOptions.Retry.Delay = TimeSpan.FromMilliseconds(200);
        clientOptions.Retry.MaxDelay = TimeSpan.FromSeconds(1);
        clientOptions.Retry.NetworkTimeout = TimeSpan.FromSeconds(3);
        foreach (var policy in pipeline.Value.PerCallPolicies)
        {
            clientOptions.AddPolicy(policy, HttpPipelinePosition.PerCall);
        }

        clientOptions.AddPolicy(new MeteredStorageRequests(metrics), HttpPipelinePosition.PerRetry);
        foreach (var policy in pipeline.Value.PerRetryPolicies)
        {
            clientOptions.AddPolicy(policy, HttpPipelinePosition.PerRetry);
        }

        var service = settings.TableServiceUri is { } uri
            ? new TableServiceClient(uri, Credential(settings), clientOptions)
            : new TableServiceClient(settings.StorageConnectionString, clientOptions);

        Licenses = service.GetTableClient(TableKeys.LicensesTable(settings.TablePrefix));
        ExpiryIndex = service.GetTableClient(TableKeys.ExpiryIndexTable(settings.TablePrefix));
        ApiKeys = service.GetTableClient(TableKeys.ApiKeysTable(settings.TablePrefix));
        Webhooks = service.GetTableClient(TableKeys.WebhooksTable(settings.TablePrefix));
        Catalog = service.GetTableClient(TableKeys.CatalogTable(settings.TablePrefix));
    }

    public TableClient Licenses { get; }
    public TableClient ExpiryIndex { get; }
    public TableClient ApiKeys { get; }
    public TableClient Webhooks { get; }
    public TableClient Catalog { get; }

    /// <summary>Every table of the app, each with its name without the prefix (what a backup calls it).</summary>
    public IReadOnlyList<(string Name, TableClient Client)> All =>
    [
        (TableKeys.LicensesTable(""), Licenses),
        (TableKeys.ExpiryIndexTable(""), ExpiryIndex),
        (TableKeys.ApiKeysTable(""), ApiKeys),
        (TableKeys.WebhooksTable(""), Webhooks),
        (TableKeys.CatalogTable(""), Catalog),
    ];

    /// <summary>
    /// Creates the tables once per process (Bicep declares them in Azure; Azurite starts empty). The creation is shared,
    /// so it runs on no caller's token: a caller that gives up stops waiting, and never cancels it for the others.
    /// </summary>
    public Task EnsureCreatedAsync(CancellationToken ct)
    {
        lock (_gate)
        {
            if (_created is null || _created.IsFaulted || _created.IsCanceled)
            {
                _created = CreateAsync(CancellationToken.None);
            }

            return _created.WaitAsync(ct);
        }
    }

    private async Task CreateAsync(CancellationToken ct)
    {
        foreach (var (_, table) in All)
        {
            try
            {
                await table.CreateIfNotExistsAsync(ct).ConfigureAwait(false);
            }
            catch (Azure.RequestFailedException ex) when (ex.Status == 403)
            {
                // In Azure the identity's roles are scoped to the tables the template declares, which may not
                // extend to creating tables: they exist already, so carry on.
            }
        }
    }

    /// <summary>The app's managed identity (or DefaultAzureCredential's pick), for every storage client.</summary>
    public static TokenCredential Credential(LicensingOptions settings) =>
        string.IsNullOrWhiteSpace(settings.ManagedIdentityClientId)
            ? new DefaultAzureCredential()
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(settings.ManagedIdentityClientId));
}
