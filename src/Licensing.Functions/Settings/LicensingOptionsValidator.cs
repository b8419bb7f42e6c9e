namespace Licensing.Settings;

/// <summary>Checks every setting at start, naming the one that is missing or malformed.</summary>
public sealed class LicensingOptionsValidator : IValidateOptions<LicensingOptions>
{
    public ValidateOptionsResult Validate(string? name, LicensingOptions options)
    {
        var failures = new List<string>();

        if (SigningKeyLoader.IsUnresolvedKeyVaultReference(options.AdminApiKey))
        {
            failures.Add($"{SettingNames.AdminApiKey} is a Key Vault reference that did not resolve: check the secret exists and the app's identity may read it.");
        }
        else if (options.AdminApiKey.Length < 16)
        {
            failures.Add($"{SettingNames.AdminApiKey} is required and must be at least 16 characters.");
        }

        var hasKey = !string.IsNullOrWhiteSpace(options.SigningKey);
        var hasKeyFile = !string.IsNullOrWhiteSpace(options.SigningKeyFile);
        if (hasKey == hasKeyFile)
        {
            failures.Add($"Set exactly one of {SettingNames.SigningKey} (PEM) or {SettingNames.SigningKeyFile}.");
        }
        else if (SigningKeyLoader.TryLoad(options, out var key, out var keyError))
        {
            key!.Dispose();
        }
        else
        {
            failures.Add(keyError);
        }

        if (!SigningKeyLoader.TryLoadPrevious(options, out var previous, out var previousError))
        {
            failures.Add(previousError);
        }

        previous?.Dispose();

        var hasConnectionString = !string.IsNullOrWhiteSpace(options.StorageConnectionString);
        if (hasConnectionString == (options.TableServiceUri is not null))
        {
            failures.Add($"Set exactly one of {SettingNames.StorageConnectionString} or {SettingNames.TableServiceUri}.");
        }
        else if (options.TableServiceUri is { IsAbsoluteUri: false } or { Scheme: not ("https" or "http") })
        {
            failures.Add($"{SettingNames.TableServiceUri} must be an absolute http(s) URI.");
        }

        if (!System.Text.RegularExpressions.Regex.IsMatch(options.TablePrefix, "^([A-Za-z][A-Za-z0-9]{0,20})?$"))
        {
            failures.Add($"{SettingNames.TablePrefix} must be letters and digits, starting with a letter, at most 21 characters.");
        }

        try
        {
            CronExpression.Parse(options.ExpirySchedule, CronFormat.IncludeSeconds);
        }
        catch (CronFormatException)
        {
            failures.Add($"{SettingNames.ExpirySchedule} must be a six-field cron expression such as '0 */1 * * * *'.");
        }

        try
        {
            CronExpression.Parse(options.WebhookSchedule, CronFormat.IncludeSeconds);
        }
        catch (CronFormatException)
        {
            failures.Add($"{SettingNames.WebhookSchedule} must be a six-field cron expression such as '*/5 * * * * *'.");
        }

        try
        {
            CronExpression.Parse(options.BackupSchedule, CronFormat.IncludeSeconds);
        }
        catch (CronFormatException)
        {
            failures.Add($"{SettingNames.BackupSchedule} must be a six-field cron expression such as '0 0 3 * * *'.");
        }

        if (!System.Text.RegularExpressions.Regex.IsMatch(options.BackupContainer, "^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$"))
        {
            failures.Add($"{SettingNames.BackupContainer} must be a blob container name: 3 to 63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.");
        }

        if (options.BackupBlobServiceUri is { IsAbsoluteUri: false } or { Scheme: not ("https" or "http") })
        {
            failures.Add($"{SettingNames.BackupBlobServiceUri} must be an absolute http(s) URI.");
        }

        if (options.ExpiryMaxEntriesPerRun is < 1 or > 100_000)
        {
            failures.Add($"{SettingNames.ExpiryMaxEntriesPerRun} must be between 1 and 100000.");
        }

        if (options.TokenRetention < TimeSpan.Zero || options.TokenRetention > TimeSpan.FromDays(365))
        {
            failures.Add($"{SettingNames.TokenRetention} must be between 0 and 365 days.");
        }

        if (options.MaxEndedSeatsPerLicense is < 1 or > 100_000)
        {
            failures.Add($"{SettingNames.MaxEndedSeatsPerLicense} must be between 1 and 100000.");
        }

        if (options.MaxEventsPerLicense is < 1 or > 1_000_000)
        {
            failures.Add($"{SettingNames.MaxEventsPerLicense} must be between 1 and 1000000.");
        }

        if (options.ActivationTokenLifetime < TimeSpan.FromMinutes(1) || options.ActivationTokenLifetime > TimeSpan.FromDays(3650))
        {
            failures.Add($"{SettingNames.ActivationTokenLifetime} must be between one minute and 3650 days.");
        }

        if (!LicenseRules.IsAllowedHeartbeatInterval(options.DefaultHeartbeatInterval))
        {
            failures.Add($"{SettingNames.DefaultHeartbeatInterval} must be between 1 second and 1 day.");
        }

        if (options.LicenseCacheTtl < TimeSpan.Zero || options.LicenseCacheTtl > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{SettingNames.LicenseCacheTtl} must be between 0 (off) and 1 minute.");
        }

        foreach (var (setting, value) in new[]
        {
            (SettingNames.RateLimitPerKey, options.RateLimitPerKey),
            (SettingNames.RateLimitPerAddress, options.RateLimitPerAddress),
            (SettingNames.FailedKeyLimitPerAddress, options.FailedKeyLimitPerAddress),
        })
        {
            if (value is < 0 or > 1_000_000)
            {
                failures.Add($"{setting} must be between 0 (off) and 1000000.");
            }
        }

        if (options.TrustedProxyCount is < 0 or > 10)
        {
            failures.Add($"{SettingNames.TrustedProxyCount} must be between 0 and 10.");
        }

        ValidateAdminToken(options, failures);

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>The three bearer-token settings come together; the issuer is https (http only on loopback, for local tests).</summary>
    private static void ValidateAdminToken(LicensingOptions options, List<string> failures)
    {
        var set = new[] { options.AdminTokenIssuer, options.AdminTokenAudience, options.AdminTokenRole }.Count(v => !string.IsNullOrWhiteSpace(v));
        if (set is not (0 or 3))
        {
            failures.Add($"Set all three of {SettingNames.AdminTokenIssuer}, {SettingNames.AdminTokenAudience} and {SettingNames.AdminTokenRole}, or none.");
        }
        else if (set == 3 && !Auth.AdminTokens.IsAcceptableIssuer(options.AdminTokenIssuer))
        {
            failures.Add($"{SettingNames.AdminTokenIssuer} must be an absolute https URL without query or fragment (http only for a loopback host).");
        }
    }
}
