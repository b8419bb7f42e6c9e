using System.Text.Json;
using System.Text.RegularExpressions;
using Licensing.Telemetry;

namespace Licensing.Tests.Deployment;

/// <summary>
/// What the compiled template adds for a first deployment that works and an operator who can see it: the deployer's
/// principal type and the vault's name from parameters, optional network restriction, diagnostic settings, the role
/// that quiets the host's diagnostic events, a workbook and alert rules over the app's own telemetry.
/// </summary>
public sealed partial class OperationsTemplateTests
{
    private const string KeyVaultSecretsOfficer = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7";
    private const string TableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";

    [Fact]
    public async Task The_deployers_role_assignment_takes_its_principal_type_from_a_parameter_that_defaults_to_user()
    {
        var template = await CompiledTemplate.GetAsync();

        var officer = Assert.Single(template.OfType("Microsoft.Authorization/roleAssignments"), a => RoleOf(a).Contains(KeyVaultSecretsOfficer, StringComparison.Ordinal));
        var parameter = template.Json.RootElement.GetProperty("parameters").GetProperty("deployerPrincipalType");

        Assert.Equal("[parameters('deployerPrincipalType')]", officer.GetProperty("properties").GetProperty("principalType").GetString());
        Assert.Equal("User", parameter.GetProperty("defaultValue").GetString());
        Assert.Equal(["User", "ServicePrincipal", "Group"], parameter.GetProperty("allowedValues").EnumerateArray().Select(v => v.GetString()!));
        Assert.Contains("parameters('deployerPrincipalType')", ModuleParameter(template, "deployerPrincipalType"), StringComparison.Ordinal);
    }

    [Theory]
    [Trait("Category", "Slow")]
    [InlineData(null, "User")]
    [InlineData("ServicePrincipal", "ServicePrincipal")]
    public async Task The_parameter_file_reads_the_principal_type_azd_sets(string? azurePrincipalType, string expected)
    {
        var environment = new Dictionary<string, string>();
        if (azurePrincipalType is not null)
        {
            environment["AZURE_PRINCIPAL_TYPE"] = azurePrincipalType;
        }

        var result = await BicepCli.RunWithAsync(environment, "build-params", "main.bicepparam", "--stdout");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var parameters = JsonDocument.Parse(JsonDocument.Parse(result.StdOut).RootElement.GetProperty("parametersJson").GetString()!);
        Assert.Equal(expected, parameters.RootElement.GetProperty("parameters").GetProperty("deployerPrincipalType").GetProperty("value").GetString());
    }

    [Fact]
    public async Task An_empty_salt_keeps_the_vault_name_and_any_other_salt_gives_it_a_new_one()
    {
        var template = await CompiledTemplate.GetAsync();

        var name = template.Json.RootElement.GetProperty("variables").GetProperty("names").GetProperty("keyVault").GetString()!;

        Assert.Equal(
            "[if(empty(parameters('keyVaultNameSalt')), format('kv{0}{1}', variables('envCompact'), variables('resourceToken')), "
            + "format('kv{0}{1}', variables('envCompact'), uniqueString(variables('resourceToken'), parameters('keyVaultNameSalt'))))]",
            name);
        Assert.Equal("", template.Json.RootElement.GetProperty("parameters").GetProperty("keyVaultNameSalt").GetProperty("defaultValue").GetString());
    }

    [Theory]
    [InlineData("Microsoft.Storage/storageAccounts", "storageAllowedIpRanges")]
    [InlineData("Microsoft.KeyVault/vaults", "keyVaultAllowedIpRanges")]
    public async Task Network_access_is_open_by_default_and_denied_but_for_the_given_ranges_when_there_are_some(string type, string parameter)
    {
        var template = await CompiledTemplate.GetAsync();

        var acls = template.One(type).GetProperty("properties").GetProperty("networkAcls");
        var declared = template.Json.RootElement.GetProperty("parameters").GetProperty(parameter);

        Assert.Equal(0, declared.GetProperty("defaultValue").GetArrayLength());
        Assert.Equal($"[if(empty(parameters('{parameter}')), 'Allow', 'Deny')]", acls.GetProperty("defaultAction").GetString());
        Assert.Equal("AzureServices", acls.GetProperty("bypass").GetString());
        var ipRules = Assert.Single(acls.GetProperty("copy").EnumerateArray());
        Assert.Equal("ipRules", ipRules.GetProperty("name").GetString());
        Assert.Equal($"[length(parameters('{parameter}'))]", ipRules.GetProperty("count").GetString());
    }

    [Fact]
    public async Task Key_vault_audit_logs_and_storage_request_logs_and_metrics_go_to_log_analytics()
    {
        var template = await CompiledTemplate.GetAsync();

        var settings = template.OfType("Microsoft.Insights/diagnosticSettings");

        Assert.Equal(4, settings.Count);
        Assert.All(settings, s => Assert.Contains("Microsoft.OperationalInsights/workspaces", s.GetProperty("properties").GetProperty("workspaceId").GetString(), StringComparison.Ordinal));
        var scopes = settings.Select(s => s.GetProperty("scope").GetString()!).ToList();
        Assert.Single(scopes, s => s.Contains("Microsoft.KeyVault/vaults", StringComparison.Ordinal));
        Assert.Single(scopes, s => s.Contains("blobServices", StringComparison.Ordinal));
        Assert.Single(scopes, s => s.Contains("tableServices", StringComparison.Ordinal));
        var vault = settings.Single(s => s.GetProperty("scope").GetString()!.Contains("Microsoft.KeyVault/vaults", StringComparison.Ordinal));
        Assert.Equal("audit", vault.GetProperty("properties").GetProperty("logs")[0].GetProperty("categoryGroup").GetString());
        var services = settings.Where(s => s.GetProperty("scope").GetString()!.Contains("Services", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, services.Count);
        Assert.All(services, s => Assert.Equal("allLogs", s.GetProperty("properties").GetProperty("logs")[0].GetProperty("categoryGroup").GetString()));
    }

    [Fact]
    public async Task The_identity_holds_table_data_contributor_on_the_account_for_the_hosts_diagnostic_events()
    {
        var template = await CompiledTemplate.GetAsync();

        var assignment = Assert.Single(template.OfType("Microsoft.Authorization/roleAssignments"), a => RoleOf(a).Contains(TableDataContributor, StringComparison.Ordinal));

        Assert.Equal("[resourceId('Microsoft.Storage/storageAccounts', parameters('storageAccountName'))]", assignment.GetProperty("scope").GetString());
    }

    [Fact]
    public async Task The_workbook_charts_seats_grants_denials_latency_errors_and_timer_runs_from_the_apps_own_telemetry()
    {
        var template = await CompiledTemplate.GetAsync();

        var workbook = template.One("Microsoft.Insights/workbooks");
        // The charts' queries are a variable of the module that declares the workbook.
        var data = MonitoringModule(template).GetRawText();

        Assert.Equal("shared", workbook.GetProperty("kind").GetString());
        Assert.Contains("Microsoft.Insights/components", workbook.GetProperty("properties").GetProperty("sourceId").GetString(), StringComparison.Ordinal);
        foreach (var shown in new[]
                 {
                     LicensingTraces.SeatsInUseTag, LicensingMetrics.SeatsGranted, LicensingMetrics.SeatsEnded, LicensingMetrics.Denials,
                     LicensingMetrics.Calls, LicensingMetrics.StorageUnavailable, LicensingMetrics.StorageRequests, LicensingMetrics.ExpiryRuns,
                     LicensingMetrics.ExpiryDuration, "percentile(duration, 95)",
                 })
        {
            Assert.Contains(shown, data, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_workbook_and_the_enabled_alert_rules_query_only_instruments_and_tags_the_app_has()
    {
        var template = await CompiledTemplate.GetAsync();
        var known = LicensingMetrics.InstrumentNames.Concat(LicensingTraces.TagNames).ToHashSet(StringComparer.Ordinal);

        var placeholders = template.OfType("Microsoft.Insights/scheduledQueryRules").Where(r => !r.GetProperty("properties").GetProperty("enabled").GetBoolean()).ToList();
        var text = placeholders.Aggregate(MonitoringModule(template).GetRawText(), (all, rule) => all.Replace(rule.GetRawText(), "", StringComparison.Ordinal));

        var queried = TelemetryName().Matches(text).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);

        Assert.Single(placeholders);
        Assert.Equal(12, queried.Count);
        Assert.All(queried, name => Assert.Contains(name, known));
    }

    [Fact]
    public async Task Alert_rules_watch_the_5xx_rate_the_timer_and_the_backups_and_hold_a_disabled_place_for_failed_deliveries()
    {
        var template = await CompiledTemplate.GetAsync();

        var rules = template.OfType("Microsoft.Insights/scheduledQueryRules").ToDictionary(r => r.GetProperty("name").GetString()!, r => r.GetProperty("properties"));

        Assert.Equal(4, rules.Count);
        var errors = Rule(rules, "5xx-rate");
        Assert.True(errors.GetProperty("enabled").GetBoolean());
        Assert.Contains("status >= 500", Criterion(errors).GetProperty("query").GetString(), StringComparison.Ordinal);
        Assert.Equal("failedPercent", Criterion(errors).GetProperty("metricMeasureColumn").GetString());
        var timer = Rule(rules, "timer-stopped");
        Assert.True(timer.GetProperty("enabled").GetBoolean());
        Assert.Contains(LicensingMetrics.ExpiryRuns, Criterion(timer).GetProperty("query").GetString(), StringComparison.Ordinal);
        Assert.Equal("LessThan", Criterion(timer).GetProperty("operator").GetString());
        Assert.Equal(1, Criterion(timer).GetProperty("threshold").GetInt32());
        var backup = Rule(rules, "backup-stale");
        Assert.True(backup.GetProperty("enabled").GetBoolean());
        Assert.Contains(LicensingMetrics.BackupRuns, Criterion(backup).GetProperty("query").GetString(), StringComparison.Ordinal);
        Assert.Equal("P2D", backup.GetProperty("windowSize").GetString());
        Assert.Equal(1, Criterion(backup).GetProperty("threshold").GetInt32());
        Assert.False(Rule(rules, "failed-deliveries").GetProperty("enabled").GetBoolean());
        Assert.All(rules.Values, r => Assert.Equal("[variables('actions')]", r.GetProperty("actions").GetProperty("actionGroups").GetString()));
    }

    [Fact]
    public async Task An_action_group_mails_the_alerts_only_when_an_address_is_given()
    {
        var template = await CompiledTemplate.GetAsync();

        var group = template.One("Microsoft.Insights/actionGroups");

        Assert.Equal("[not(empty(parameters('alertEmail')))]", group.GetProperty("condition").GetString());
        Assert.Equal("[parameters('alertEmail')]", group.GetProperty("properties").GetProperty("emailReceivers")[0].GetProperty("emailAddress").GetString());
        Assert.Equal("", template.Json.RootElement.GetProperty("parameters").GetProperty("alertEmail").GetProperty("defaultValue").GetString());
    }

    /// <summary>The nested template of the module that declares the workbook and the alert rules, variables included.</summary>
    private static JsonElement MonitoringModule(CompiledTemplate template) =>
        template.OfType("Microsoft.Resources/deployments")
            .Select(d => d.GetProperty("properties").GetProperty("template"))
            .Single(t => t.GetRawText().Contains("Microsoft.Insights/workbooks", StringComparison.Ordinal));

    [Fact]
    public void Host_json_lets_the_information_logs_of_the_host_and_the_functions_through()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(Support.RepoPaths.Root, "host.json")));

        var levels = host.RootElement.GetProperty("logging").GetProperty("logLevel");

        foreach (var category in new[] { "default", "Function", "Host.Results", "Licensing" })
        {
            Assert.Equal("Information", levels.GetProperty(category).GetString());
        }
    }

    private static string RoleOf(JsonElement assignment) => assignment.GetProperty("properties").GetProperty("roleDefinitionId").GetString()!;

    private static JsonElement Rule(Dictionary<string, JsonElement> rules, string suffix) =>
        rules.Single(r => r.Key.Contains(suffix, StringComparison.Ordinal)).Value;

    private static JsonElement Criterion(JsonElement rule) => Assert.Single(rule.GetProperty("criteria").GetProperty("allOf").EnumerateArray());

    /// <summary>The expression main.bicep passes to a module parameter.</summary>
    private static string ModuleParameter(CompiledTemplate template, string parameter) =>
        template.OfType("Microsoft.Resources/deployments")
            .Select(d => d.GetProperty("properties").GetProperty("parameters"))
            .Single(p => p.TryGetProperty(parameter, out _))
            .GetProperty(parameter).GetProperty("value").GetString()!;

    [GeneratedRegex(@"licensing\.[a-z_]+(\.[a-z_]+)*")]
    private static partial Regex TelemetryName();
}
