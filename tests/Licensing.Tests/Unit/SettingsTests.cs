using System.Text.Json;
using Licensing.LocalHost;
using Licensing.Settings;
using Licensing.Tests.Support;
using Microsoft.Extensions.Options;

namespace Licensing.Tests.Unit;

public sealed class SettingsTests
{
    [Theory]
    [InlineData("Licensing:AdminApiKey", "")]
    [InlineData("Licensing:SigningKey", "not a pem")]
    [InlineData("Licensing:StorageConnectionString", "")]
    [InlineData("Licensing:ExpirySchedule", "every minute")]
    [InlineData("Licensing:ExpiryMaxEntriesPerRun", "0")]
    [InlineData("Licensing:WebhookSchedule", "every five seconds")]
    [InlineData("Licensing:BackupSchedule", "daily")]
    [InlineData("Licensing:BackupContainer", "Backups_Here")]
    [InlineData("Licensing:DefaultHeartbeatInterval", "00:00:00")]
    [InlineData("Licensing:TablePrefix", "9bad")]
    [InlineData("Licensing:AdminApiKey", "@Microsoft.KeyVault(VaultName=kv-licensing;SecretName=licensing-admin-api-key)")]
    [InlineData("Licensing:SigningKey", "@Microsoft.KeyVault(VaultName=kv-licensing;SecretName=licensing-signing-key)")]
    [InlineData("Licensing:PreviousSigningKey", "not a pem either")]
    [InlineData("Licensing:RateLimitPerKey", "-1")]
    [InlineData("Licensing:AdminTokenIssuer", "https://issuer.example/tenant/v2.0")]
    [InlineData("Licensing:AdminTokenRole", "Licensing.Admin")]
    public async Task A_missing_or_malformed_setting_stops_the_app_with_a_message_naming_it(string setting, string value)
    {
        var settings = WorkingSettings();
        settings[setting] = value;
        await using var app = LocalFunctionsHost.Build([], settings);

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains(setting, failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://issuer.example/tenant/v2.0")]
    [InlineData("issuer.example/tenant/v2.0")]
    [InlineData("https://issuer.example/tenant/v2.0?x=1")]
    [InlineData("ftp://issuer.example/tenant")]
    public async Task An_admin_token_issuer_that_is_not_https_stops_the_app_unless_it_is_on_loopback(string issuer)
    {
        var settings = WithAdminTokens(issuer);
        await using var app = LocalFunctionsHost.Build([], settings);

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("Licensing:AdminTokenIssuer", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://issuer.example/tenant/v2.0")]
    [InlineData("http://127.0.0.1:5099/tenant/v2.0")]
    [InlineData("http://localhost:5099")]
    public async Task An_https_or_loopback_admin_token_issuer_starts_the_app_without_reaching_it(string issuer)
    {
        await using var app = LocalFunctionsHost.Build([], WithAdminTokens(issuer));

        await app.StartAsync();
        await app.StopAsync();
    }

    [Fact]
    public async Task Working_settings_start_the_app()
    {
        await using var app = LocalFunctionsHost.Build([], WorkingSettings());

        await app.StartAsync();
        await app.StopAsync();
    }

    [Fact]
    public void The_sample_settings_list_every_setting_of_the_options_class_with_a_value()
    {
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "local.settings.sample.json")));
        var values = sample.RootElement.GetProperty("Values").EnumerateObject().Select(p => p.Name).ToHashSet();

        var required = new[] { "AdminApiKey", "SigningKeyFile", "StorageConnectionString", "TablePrefix", "ExpirySchedule", "ExpiryMaxEntriesPerRun", "WebhookSchedule", "BackupSchedule", "BackupContainer", "BackupConnectionString", "AllowInsecureWebhookUrls", "AllowPrivateWebhookTargets", "SignAnswers", "TokenRetention", "MaxEndedSeatsPerLicense", "MaxEventsPerLicense", "ActivationTokenLifetime", "DefaultHeartbeatInterval", "LicenseCacheTtl", "RateLimitPerKey", "RateLimitPerAddress", "FailedKeyLimitPerAddress", "TrustedProxyCount", "AdminTokenIssuer", "AdminTokenAudience", "AdminTokenRole" };

        Assert.All(required, name => Assert.Contains("Licensing__" + name, values));
        Assert.All(typeof(LicensingOptions).GetProperties().Select(p => p.Name).Except(["SigningKey", "PreviousSigningKey", "TableServiceUri", "ManagedIdentityClientId", "BackupBlobServiceUri"]),
            name => Assert.Contains(name, required));
        Assert.Contains("FUNCTIONS_WORKER_RUNTIME", values);
    }

    private static Dictionary<string, string?> WithAdminTokens(string issuer)
    {
        var settings = WorkingSettings();
        settings["Licensing:AdminTokenIssuer"] = issuer;
        settings["Licensing:AdminTokenAudience"] = "api://licensing";
        settings["Licensing:AdminTokenRole"] = "Licensing.Admin";
        return settings;
    }

    private static Dictionary<string, string?> WorkingSettings() => TestStorage.ServerSettings("settings-test-admin-key-0123456789");
}
