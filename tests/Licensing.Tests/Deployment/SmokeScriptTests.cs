using Licensing.Tests.Support;

namespace Licensing.Tests.Deployment;

/// <summary>scripts/smoke.sh, as an operator runs it after a deployment, against the local host over real HTTP.</summary>
[Collection(SlowTests.Name)]
[Trait("Category", "Slow")]
public sealed class SmokeScriptTests : IClassFixture<ServerFixture>
{
    private static readonly string[] Steps =
    [
        "keys", "create floating license", "create node-locked license", "create client API key", "request", "heartbeat",
        "info", "release", "activate", "validate", "deactivate", "cleanup: deleted license", "cleanup: deleted license",
        "cleanup: deleted client API key",
    ];

    private readonly ServerFixture _server;

    public SmokeScriptTests(ServerFixture server) => _server = server;

    [Fact]
    public async Task It_passes_every_step_against_a_running_server_and_leaves_nothing_behind()
    {
        var keysBefore = await ClientKeyCountAsync();

        var result = await SmokeAsync(ServerFixture.AdminKey);

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Steps.Length + 1, lines.Length);
        Assert.All(Steps.Zip(lines), pair => Assert.StartsWith("smoke: ok    " + pair.First, pair.Second, StringComparison.Ordinal));
        Assert.Equal("smoke: passed", lines[^1]);
        Assert.Contains("token verified with the JWKS", lines[4], StringComparison.Ordinal);
        Assert.Contains("token verified with the JWKS", lines[8], StringComparison.Ordinal);
        var licenses = lines.Where(l => l.StartsWith("smoke: ok    cleanup: deleted license ", StringComparison.Ordinal)).Select(l => l.Split(' ')[^1]).ToList();
        Assert.Equal(2, licenses.Count);
        foreach (var id in licenses)
        {
            using var gone = await _server.SendAsync(HttpMethod.Get, $"v1/admin/licenses/{id}", null, ServerFixture.AdminKey);
            Assert.Equal(404, (int)gone.StatusCode);
        }

        Assert.Equal(keysBefore, await ClientKeyCountAsync());
    }

    [Fact]
    public async Task A_wrong_admin_key_fails_at_the_first_admin_step_with_its_status_and_a_non_zero_exit()
    {
        var result = await SmokeAsync("lk_admin_wrong");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("smoke: FAIL  create floating license: HTTP 401, expected 201: {\"code\":\"unauthorized\",\"detail\":\"Send a valid API key in the x-api-key header.\",\"deniedReason\":null}",
            result.StdErr.Trim());
        Assert.DoesNotContain("lk_admin_wrong", result.StdOut + result.StdErr, StringComparison.Ordinal);
    }

    private async Task<int> ClientKeyCountAsync()
    {
        using var keys = await _server.SendForJsonAsync(HttpMethod.Get, "v1/admin/api-keys", null, ServerFixture.AdminKey);
        return keys.RootElement.GetProperty("items").GetArrayLength();
    }

    private Task<ProcessResult> SmokeAsync(string adminKey) =>
        ProcessRun.RunAsync("bash", [Path.Combine("scripts", "smoke.sh"), _server.Http.BaseAddress!.ToString(), adminKey], timeout: TimeSpan.FromMinutes(2));
}
