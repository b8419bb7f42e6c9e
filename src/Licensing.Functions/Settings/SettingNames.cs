namespace Licensing.Settings;

/// <summary>The full configuration key of every setting (section <c>Licensing</c>), for error messages, the timer binding and tests.</summary>
public static class SettingNames
{
    public const string AdminApiKey = LicensingOptions.Section + ":" + nameof(LicensingOptions.AdminApiKey);
    public const string SigningKey = LicensingOptions.Section + ":" + nameof(LicensingOptions.SigningKey);
    public const string SigningKeyFile = LicensingOptions.Section + ":" + nameof(LicensingOptions.SigningKeyFile);
    public const string PreviousSigningKey = LicensingOptions.Section + ":" + nameof(LicensingOptions.PreviousSigningKey);
    public const string SignAnswers = LicensingOptions.Section + ":" + nameof(LicensingOptions.SignAnswers);
    public const string StorageConnectionString = LicensingOptions.Section + ":" + nameof(LicensingOptions.StorageConnectionString);
    public const string TableServiceUri = LicensingOptions.Section + ":" + nameof(LicensingOptions.TableServiceUri);
    public const string ManagedIdentityClientId = LicensingOptions.Section + ":" + nameof(LicensingOptions.ManagedIdentityClientId);
    public const string TablePrefix = LicensingOptions.Section + ":" + nameof(LicensingOptions.TablePrefix);
    public const string ExpirySchedule = LicensingOptions.Section + ":" + nameof(LicensingOptions.ExpirySchedule);
    public const string ExpiryMaxEntriesPerRun = LicensingOptions.Section + ":" + nameof(LicensingOptions.ExpiryMaxEntriesPerRun);
    public const string WebhookSchedule = LicensingOptions.Section + ":" + nameof(LicensingOptions.WebhookSchedule);
    public const string BackupSchedule = LicensingOptions.Section + ":" + nameof(LicensingOptions.BackupSchedule);
    public const string BackupContainer = LicensingOptions.Section + ":" + nameof(LicensingOptions.BackupContainer);
    public const string BackupConnectionString = LicensingOptions.Section + ":" + nameof(LicensingOptions.BackupConnectionString);
    public const string BackupBlobServiceUri = LicensingOptions.Section + ":" + nameof(LicensingOptions.BackupBlobServiceUri);
    public const string AllowInsecureWebhookUrls = LicensingOptions.Section + ":" + nameof(LicensingOptions.AllowInsecureWebhookUrls);
    public const string AllowPrivateWebhookTargets = LicensingOptions.Section + ":" + nameof(LicensingOptions.AllowPrivateWebhookTargets);
    public const string TokenRetention = LicensingOptions.Section + ":" + nameof(LicensingOptions.TokenRetention);
    public const string MaxEndedSeatsPerLicense = LicensingOptions.Section + ":" + nameof(LicensingOptions.MaxEndedSeatsPerLicense);
    public const string MaxEventsPerLicense = LicensingOptions.Section + ":" + nameof(LicensingOptions.MaxEventsPerLicense);
    public const string ActivationTokenLifetime = LicensingOptions.Section + ":" + nameof(LicensingOptions.ActivationTokenLifetime);
    public const string DefaultHeartbeatInterval = LicensingOptions.Section + ":" + nameof(LicensingOptions.DefaultHeartbeatInterval);
    public const string LicenseCacheTtl = LicensingOptions.Section + ":" + nameof(LicensingOptions.LicenseCacheTtl);
    public const string RateLimitPerKey = LicensingOptions.Section + ":" + nameof(LicensingOptions.RateLimitPerKey);
    public const string RateLimitPerAddress = LicensingOptions.Section + ":" + nameof(LicensingOptions.RateLimitPerAddress);
    public const string TrustedProxyCount = LicensingOptions.Section + ":" + nameof(LicensingOptions.TrustedProxyCount);
    public const string FailedKeyLimitPerAddress = LicensingOptions.Section + ":" + nameof(LicensingOptions.FailedKeyLimitPerAddress);
    public const string AdminTokenIssuer = LicensingOptions.Section + ":" + nameof(LicensingOptions.AdminTokenIssuer);
    public const string AdminTokenAudience = LicensingOptions.Section + ":" + nameof(LicensingOptions.AdminTokenAudience);
    public const string AdminTokenRole = LicensingOptions.Section + ":" + nameof(LicensingOptions.AdminTokenRole);

    /// <summary>The timer trigger's binding expression: both hosts resolve it from configuration.</summary>
    public const string ExpiryScheduleBinding = "%" + ExpirySchedule + "%";

    /// <summary>The webhook dispatcher's binding expression.</summary>
    public const string WebhookScheduleBinding = "%" + WebhookSchedule + "%";

    /// <summary>The backup timer's binding expression.</summary>
    public const string BackupScheduleBinding = "%" + BackupSchedule + "%";
}
