namespace Licensing.Backup;

/// <summary>Backs up every table of the app into the backup container the settings name, resuming an unfinished backup.</summary>
public sealed class BackupService(StorageTables tables, IOptions<LicensingOptions> options, TimeProvider clock)
{
    /// <summary>The version of the app that wrote a backup, for its manifest.</summary>
    public static string AppVersion { get; } =
        typeof(BackupService).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>Runs the backup; null when another run holds it. Stops after <paramref name="maxParts"/> parts if given.</summary>
    public Task<BackupRun?> RunAsync(CancellationToken ct, int? maxParts = null)
    {
        var settings = options.Value;
        var writer = new BackupWriter(Container(settings), settings.TablePrefix, AppVersion, clock);
        return writer.RunAsync([.. tables.All.Select(t => new BackupTable(t.Name, t.Client))], maxParts, ct);
    }

    /// <summary>The backup container: in another account by connection string, by managed identity, or in the app's own account.</summary>
    public static BlobContainerClient Container(LicensingOptions settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var service = settings switch
        {
            { BackupConnectionString: { Length: > 0 } connection } => new BlobServiceClient(connection),
            { BackupBlobServiceUri: { } uri } => new BlobServiceClient(uri, StorageTables.Credential(settings)),
            { StorageConnectionString: { Length: > 0 } connection } => new BlobServiceClient(connection),
            _ => throw new InvalidOperationException(
                $"No backup storage: set {SettingNames.BackupBlobServiceUri} or {SettingNames.BackupConnectionString} (the app reaches its tables by {SettingNames.TableServiceUri})."),
        };
        return service.GetBlobContainerClient(settings.BackupContainer);
    }
}
