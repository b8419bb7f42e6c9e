using Licensing.Tests.Support;

namespace Licensing.Tests.Deployment;

/// <summary>What the compiled ARM template must keep true: storage by identity only, HTTPS, secrets in Key Vault, least-privilege roles.</summary>
[Collection(SlowTests.Name)]
[Trait("Category", "Slow")]
public sealed class TemplatePromisesTests
{
    private const string TableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string BlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";
    private const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";

    [Fact]
    public async Task The_storage_account_allows_no_shared_key_only_https_and_tls_1_2_and_no_public_blobs()
    {
        var template = await CompiledTemplate.GetAsync();

        var storage = template.One("Microsoft.Storage/storageAccounts");
        var properties = storage.GetProperty("properties");

        Assert.Equal("StorageV2", storage.GetProperty("kind").GetString());
        Assert.False(properties.GetProperty("allowSharedKeyAccess").GetBoolean());
        Assert.True(properties.GetProperty("supportsHttpsTrafficOnly").GetBoolean());
        Assert.Equal("TLS1_2", properties.GetProperty("minimumTlsVersion").GetString());
        Assert.False(properties.GetProperty("allowBlobPublicAccess").GetBoolean());
    }

    [Fact]
    public async Task The_tables_the_app_uses_and_the_deployment_container_are_declared()
    {
        var template = await CompiledTemplate.GetAsync();

        var tables = template.OfType("Microsoft.Storage/storageAccounts/tableServices/tables").Select(t => t.GetProperty("name").GetString()!).ToList();

        Assert.Equal(5, tables.Count);
        Assert.Contains(tables, n => n.Contains("Licenses", StringComparison.Ordinal));
        Assert.Contains(tables, n => n.Contains("LeaseExpiry", StringComparison.Ordinal));
        Assert.Contains(tables, n => n.Contains("ApiKeys", StringComparison.Ordinal));
        Assert.Contains(tables, n => n.Contains("Webhooks", StringComparison.Ordinal));
        Assert.Contains(tables, n => n.Contains("LicenseCatalog", StringComparison.Ordinal));
        Assert.NotEmpty(template.OfType("Microsoft.Storage/storageAccounts/blobServices/containers"));
    }

    [Fact]
    public async Task Backups_go_to_a_private_container_with_versioning_soft_delete_and_a_lifecycle_rule_keeping_the_last_35_days()
    {
        var template = await CompiledTemplate.GetAsync();

        var blobService = template.One("Microsoft.Storage/storageAccounts/blobServices").GetProperty("properties");
        var container = Assert.Single(template.OfType("Microsoft.Storage/storageAccounts/blobServices/containers"),
            c => c.GetProperty("name").GetString()!.EndsWith("'backups')]", StringComparison.Ordinal));
        var rule = Assert.Single(template.One("Microsoft.Storage/storageAccounts/managementPolicies").GetProperty("properties").GetProperty("policy").GetProperty("rules").EnumerateArray());
        var definition = rule.GetProperty("definition");
        var settings = template.AppSettings();
        var retention = template.Json.RootElement.GetProperty("parameters").GetProperty("backupRetentionDays");

        Assert.True(blobService.GetProperty("isVersioningEnabled").GetBoolean());
        Assert.True(blobService.GetProperty("deleteRetentionPolicy").GetProperty("enabled").GetBoolean());
        Assert.Equal(14, blobService.GetProperty("deleteRetentionPolicy").GetProperty("days").GetInt32());
        Assert.True(blobService.GetProperty("containerDeleteRetentionPolicy").GetProperty("enabled").GetBoolean());
        Assert.Equal("None", container.GetProperty("properties").GetProperty("publicAccess").GetString());
        Assert.Equal(35, retention.GetProperty("defaultValue").GetInt32());
        Assert.Equal("[format('{0}/', 'backups')]", Assert.Single(definition.GetProperty("filters").GetProperty("prefixMatch").EnumerateArray()).GetString());
        Assert.Equal("[parameters('backupRetentionDays')]", definition.GetProperty("actions").GetProperty("baseBlob").GetProperty("delete").GetProperty("daysAfterModificationGreaterThan").GetString());
        Assert.Equal("[parameters('backupRetentionDays')]", definition.GetProperty("actions").GetProperty("version").GetProperty("delete").GetProperty("daysAfterCreationGreaterThan").GetString());
        Assert.Equal("[parameters('backupSchedule')]", settings["Licensing__BackupSchedule"]);
        Assert.Equal("backups", settings["Licensing__BackupContainer"]);
        Assert.Contains("primaryEndpoints.blob", settings["Licensing__BackupBlobServiceUri"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_function_app_runs_dotnet_isolated_10_on_flex_consumption_over_https_only_with_ftp_off()
    {
        var template = await CompiledTemplate.GetAsync();

        var plan = template.One("Microsoft.Web/serverfarms");
        var site = template.One("Microsoft.Web/sites");
        var properties = site.GetProperty("properties");
        var runtime = properties.GetProperty("functionAppConfig").GetProperty("runtime");

        Assert.Equal("FC1", plan.GetProperty("sku").GetProperty("name").GetString());
        Assert.Equal("FlexConsumption", plan.GetProperty("sku").GetProperty("tier").GetString());
        Assert.Equal("functionapp,linux", site.GetProperty("kind").GetString());
        Assert.Equal("dotnet-isolated", runtime.GetProperty("name").GetString());
        Assert.Equal("10.0", runtime.GetProperty("version").GetString());
        Assert.True(properties.GetProperty("httpsOnly").GetBoolean());
        Assert.Equal("Disabled", properties.GetProperty("siteConfig").GetProperty("ftpsState").GetString());
        var policies = template.OfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies");
        Assert.Equal(2, policies.Count);
        Assert.All(policies, p => Assert.False(p.GetProperty("properties").GetProperty("allow").GetBoolean()));
    }

    [Fact]
    public async Task Instance_memory_maximum_instances_and_always_ready_instances_are_parameters()
    {
        var template = await CompiledTemplate.GetAsync();
        var parameters = template.Json.RootElement.GetProperty("parameters");

        Assert.True(parameters.TryGetProperty("instanceMemoryMB", out _));
        Assert.True(parameters.TryGetProperty("maximumInstanceCount", out _));
        Assert.True(parameters.TryGetProperty("alwaysReadyInstances", out _));
        var scale = template.One("Microsoft.Web/sites").GetProperty("properties").GetProperty("functionAppConfig").GetProperty("scaleAndConcurrency").GetRawText();
        Assert.Contains("parameters('instanceMemoryMB')", scale, StringComparison.Ordinal);
        Assert.Contains("parameters('maximumInstanceCount')", scale, StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_user_assigned_identity_reaches_host_storage_tables_and_deployments_never_an_account_key()
    {
        var template = await CompiledTemplate.GetAsync();
        var settings = template.AppSettings();

        Assert.Single(template.OfType("Microsoft.ManagedIdentity/userAssignedIdentities"));
        Assert.Equal("UserAssigned", template.One("Microsoft.Web/sites").GetProperty("identity").GetProperty("type").GetString());
        Assert.Equal("managedidentity", settings["AzureWebJobsStorage__credential"]);
        Assert.True(settings.ContainsKey("AzureWebJobsStorage__accountName"));
        Assert.True(settings.ContainsKey("AzureWebJobsStorage__clientId"));
        Assert.False(settings.ContainsKey("AzureWebJobsStorage"), "host storage must not be a connection string");
        Assert.True(settings.ContainsKey("Licensing__TableServiceUri"));
        Assert.True(settings.ContainsKey("Licensing__ManagedIdentityClientId"));
        Assert.False(settings.ContainsKey("Licensing__StorageConnectionString"));
        var deployment = template.One("Microsoft.Web/sites").GetProperty("properties").GetProperty("functionAppConfig").GetProperty("deployment");
        Assert.Equal("UserAssignedIdentity", deployment.GetProperty("storage").GetProperty("authentication").GetProperty("type").GetString());
        var json = template.Json.RootElement.GetRawText();
        Assert.DoesNotContain("listKeys", json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("AccountKey=", json, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Every_secret_bearing_setting_is_a_key_vault_reference_and_no_secret_is_in_the_template()
    {
        var template = await CompiledTemplate.GetAsync();
        var settings = template.AppSettings();

        Assert.Contains("@Microsoft.KeyVault(", settings["Licensing__AdminApiKey"], StringComparison.Ordinal);
        Assert.Contains("licensing-admin-api-key", settings["Licensing__AdminApiKey"], StringComparison.Ordinal);
        Assert.Contains("@Microsoft.KeyVault(", settings["Licensing__SigningKey"], StringComparison.Ordinal);
        Assert.Contains("licensing-signing-key", settings["Licensing__SigningKey"], StringComparison.Ordinal);
        Assert.Empty(template.OfType("Microsoft.KeyVault/vaults/secrets"));
        Assert.NotNull(template.One("Microsoft.Web/sites").GetProperty("properties").GetProperty("keyVaultReferenceIdentity").GetString());
        var outputs = template.Json.RootElement.GetProperty("outputs").GetRawText();
        Assert.DoesNotContain("secret", outputs, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_key_vault_uses_rbac_with_soft_delete_and_purge_protection()
    {
        var template = await CompiledTemplate.GetAsync();

        var vault = template.One("Microsoft.KeyVault/vaults").GetProperty("properties");

        Assert.True(vault.GetProperty("enableRbacAuthorization").GetBoolean());
        Assert.True(vault.GetProperty("enableSoftDelete").GetBoolean());
        Assert.True(vault.GetProperty("enablePurgeProtection").GetBoolean());
    }

    [Theory]
    [InlineData(TableDataContributor, 1)]
    [InlineData(BlobDataOwner, 1)]
    [InlineData(KeyVaultSecretsUser, 1)]
    [InlineData(MonitoringMetricsPublisher, 1)]
    public async Task The_identity_holds_each_role_it_needs_named_by_guid_of_scope_principal_and_role(string role, int count)
    {
        var template = await CompiledTemplate.GetAsync();

        var assignments = template.OfType("Microsoft.Authorization/roleAssignments")
            .Where(a => a.GetProperty("properties").GetProperty("roleDefinitionId").GetString()!.Contains(role, StringComparison.OrdinalIgnoreCase))
            .ToList();

        Assert.Equal(count, assignments.Count);
        Assert.All(assignments, a =>
        {
            var name = a.GetProperty("name").GetString()!;
            Assert.StartsWith("[guid(", name, StringComparison.Ordinal);
            Assert.Contains(role, name, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("principalId", name, StringComparison.Ordinal);
            Assert.Equal("ServicePrincipal", a.GetProperty("properties").GetProperty("principalType").GetString());
        });
    }

    [Fact]
    public async Task Application_insights_takes_telemetry_by_identity_only()
    {
        var template = await CompiledTemplate.GetAsync();

        var insights = template.One("Microsoft.Insights/components").GetProperty("properties");

        Assert.True(insights.GetProperty("DisableLocalAuth").GetBoolean());
        Assert.Contains("Authorization=AAD", template.AppSettings()["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"], StringComparison.Ordinal);
        Assert.NotEmpty(template.OfType("Microsoft.OperationalInsights/workspaces"));
    }

    [Fact]
    public async Task Admin_bearer_tokens_are_off_unless_the_three_admin_token_parameters_are_given()
    {
        var template = await CompiledTemplate.GetAsync();
        var parameters = template.Json.RootElement.GetProperty("parameters");
        var settings = template.AppSettings();

        foreach (var (parameter, setting) in new[]
        {
            ("adminTokenIssuer", "Licensing__AdminTokenIssuer"),
            ("adminTokenAudience", "Licensing__AdminTokenAudience"),
            ("adminTokenRole", "Licensing__AdminTokenRole"),
        })
        {
            Assert.Equal("", parameters.GetProperty(parameter).GetProperty("defaultValue").GetString());
            Assert.Equal($"[parameters('{parameter}')]", settings[setting]);
        }
    }

    [Fact]
    public async Task The_outputs_name_the_app_its_url_and_the_key_vault()
    {
        var template = await CompiledTemplate.GetAsync();

        var outputs = template.Json.RootElement.GetProperty("outputs");

        Assert.True(outputs.TryGetProperty("functionAppName", out _));
        Assert.True(outputs.TryGetProperty("functionAppUrl", out var url));
        Assert.Contains("https://", url.GetProperty("value").GetString(), StringComparison.Ordinal);
        Assert.True(outputs.TryGetProperty("keyVaultName", out _));
    }
}
