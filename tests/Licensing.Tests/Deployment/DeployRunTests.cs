using Licensing.Tests.Support;
namespace Licensing.Tests.Deployment;

/// <summary>
/// scripts/deploy.sh run to the end against a recording fake az: the order of its steps makes the app's Key Vault
/// references resolvable at its first start, the deployer's principal type follows the login, the first upload is
/// retried for over three minutes, a deleted vault of the resource group is recovered, and no secret is printed.
/// </summary>
[Collection(SlowTests.Name)]
[Trait("Category", "Slow")]
public sealed class DeployRunTests : IDisposable
{
    private static readonly string[] Arguments = ["my-rg", "westeurope"];

    private readonly FakeCloud _cloud = new();

    public void Dispose() => _cloud.Dispose();

    [Fact]
    public async Task The_secrets_exist_then_a_config_change_and_a_resolved_poll_come_before_the_package_and_the_health_wait()
    {
        _cloud.ReferenceStatuses.Add("AccessToKeyVaultDenied");
        _cloud.ReferenceStatuses.Add("Initialized");

        var result = await _cloud.RunAsync("deploy.sh", Arguments);

        Assert.True(result.ExitCode == 0, result.ToString());
        var infrastructure = _cloud.IndexOf("az deployment group create");
        var lastSecret = _cloud.LastIndexOf("az keyvault secret set");
        var change = _cloud.IndexOf("az functionapp config appsettings set");
        var firstPoll = _cloud.IndexOf("az rest --method get");
        var lastPoll = _cloud.LastIndexOf("az rest --method get");
        var upload = _cloud.IndexOf("az functionapp deployment source config-zip");
        var health = _cloud.IndexOf("curl ");
        Assert.Equal(2, _cloud.Calls.Count(c => c.StartsWith("az keyvault secret set", StringComparison.Ordinal)));
        Assert.True(infrastructure < lastSecret && lastSecret < change && change < firstPoll && lastPoll < upload && upload < health,
            string.Join('\n', _cloud.Calls));
        // Two polls answered not yet resolved, then one round of both references resolved.
        Assert.Equal(4, _cloud.Calls.Count(c => c.StartsWith("az rest --method get", StringComparison.Ordinal)));
        Assert.Contains("KEY_VAULT_REFERENCES_REFRESHED_AT=", _cloud.Calls[change], StringComparison.Ordinal);
        Assert.Contains("/config/configreferences/appsettings/Licensing__AdminApiKey", _cloud.Calls[lastPoll - 1], StringComparison.Ordinal);
        Assert.Contains("/config/configreferences/appsettings/Licensing__SigningKey", _cloud.Calls[lastPoll], StringComparison.Ordinal);
    }

    [Fact]
    public async Task References_that_do_not_resolve_stop_it_before_the_package_with_their_status_named()
    {
        _cloud.ReferenceStatuses.Add("SecretNotFound");

        var result = await _cloud.RunAsync("deploy.sh", Arguments, new Dictionary<string, string> { ["REFERENCES_TIMEOUT"] = "0" });

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Licensing__AdminApiKey=SecretNotFound", result.StdErr, StringComparison.Ordinal);
        Assert.Equal(-1, _cloud.IndexOf("az functionapp deployment source config-zip"));
    }

    [Theory]
    [InlineData("user", "User", "user-object-id")]
    [InlineData("servicePrincipal", "ServicePrincipal", "sp-object-id")]
    public async Task The_deployers_principal_type_and_id_follow_the_login(string login, string principalType, string objectId)
    {
        _cloud.LoginType = login;

        var result = await _cloud.RunAsync("deploy.sh", Arguments);

        Assert.True(result.ExitCode == 0, result.ToString());
        var deployment = _cloud.Calls[_cloud.IndexOf("az deployment group create")];
        Assert.Contains($"deployerPrincipalType={principalType}", deployment, StringComparison.Ordinal);
        Assert.Contains($"deployerPrincipalId={objectId}", deployment, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_upload_is_retried_with_backoff_for_more_than_three_minutes()
    {
        _cloud.FailingUploads = 5;

        var result = await _cloud.RunAsync("deploy.sh", Arguments);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(6, _cloud.Calls.Count(c => c.StartsWith("az functionapp deployment source config-zip", StringComparison.Ordinal)));
        Assert.Equal([10, 20, 40, 60, 60], SleepsBetween("az functionapp deployment source config-zip"));
        Assert.Equal(5, CountOf(result.StdErr, "retrying in"));
    }

    [Fact]
    public async Task An_upload_refused_every_time_gives_up_after_190_seconds_of_waiting_and_never_waits_for_health()
    {
        _cloud.FailingUploads = 100;

        var result = await _cloud.RunAsync("deploy.sh", Arguments);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("could not be deployed to func-licensing after 6 attempts", result.StdErr, StringComparison.Ordinal);
        Assert.Equal(190, SleepsBetween("az functionapp deployment source config-zip").Sum());
        Assert.Equal(-1, _cloud.IndexOf("curl "));
    }

    [Fact]
    public async Task A_deleted_vault_of_the_same_resource_group_is_recovered_before_the_template_is_deployed()
    {
        _cloud.DeletedVaults.Add(("kvlicensingold", "/subscriptions/sub/resourceGroups/MY-RG/providers/Microsoft.KeyVault/vaults/kvlicensingold"));
        _cloud.DeletedVaults.Add(("kvsomeoneelse", "/subscriptions/sub/resourceGroups/other-rg/providers/Microsoft.KeyVault/vaults/kvsomeoneelse"));

        var result = await _cloud.RunAsync("deploy.sh", Arguments);

        Assert.True(result.ExitCode == 0, result.ToString());
        var recover = Assert.Single(_cloud.Calls, c => c.StartsWith("az keyvault recover", StringComparison.Ordinal));
        Assert.Equal("az keyvault recover --name kvlicensingold --output none", recover);
        Assert.True(_cloud.IndexOf("az keyvault recover") < _cloud.IndexOf("az deployment group create"), string.Join('\n', _cloud.Calls));
    }

    [Fact]
    public async Task With_a_vault_salt_no_deleted_vault_is_recovered()
    {
        _cloud.DeletedVaults.Add(("kvlicensingold", "/subscriptions/sub/resourceGroups/my-rg/providers/Microsoft.KeyVault/vaults/kvlicensingold"));

        var result = await _cloud.RunAsync("deploy.sh", Arguments, new Dictionary<string, string> { ["AZURE_KEY_VAULT_SALT"] = "2" });

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(-1, _cloud.IndexOf("az keyvault recover"));
    }

    [Fact]
    public async Task No_secret_value_reaches_an_az_command_line_or_anything_the_script_prints()
    {
        var result = await _cloud.RunAsync("deploy.sh", Arguments);

        Assert.True(result.ExitCode == 0, result.ToString());
        var secrets = _cloud.SecretValues;
        Assert.Equal(2, secrets.Count);
        Assert.Single(secrets, s => s.StartsWith("lk_admin_", StringComparison.Ordinal));
        Assert.Single(secrets, s => s.Contains("PRIVATE KEY", StringComparison.Ordinal));
        var printed = result.StdOut + result.StdErr + string.Join('\n', _cloud.Calls);
        Assert.All(secrets.SelectMany(Fragments), fragment => Assert.DoesNotContain(fragment, printed, StringComparison.Ordinal));
    }

    /// <summary>The durations slept between consecutive calls starting with <paramref name="prefix"/>.</summary>
    private List<int> SleepsBetween(string prefix)
    {
        var calls = _cloud.Calls;
        var first = _cloud.IndexOf(prefix);
        var last = _cloud.LastIndexOf(prefix);
        return calls.Skip(first).Take(last - first).Where(c => c.StartsWith("sleep ", StringComparison.Ordinal)).Select(c => int.Parse(c[6..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;

    /// <summary>The admin key whole, and each base64 line of a PEM (what a log would show of it).</summary>
    private static IEnumerable<string> Fragments(string secret) =>
        secret.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 20 && !l.StartsWith("-----", StringComparison.Ordinal));
}
