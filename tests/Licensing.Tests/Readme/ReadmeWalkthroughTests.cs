using System.Text;
using System.Text.Json;
using Licensing.Domain;
using Licensing.Http;
using Licensing.Tests.Support;

namespace Licensing.Tests.Readme;

/// <summary>
/// The README's five-minute tour and its continuation in docs/client-apps.md and docs/admin.md, taken from the documents
/// by their markers and run in one bash shell against the local host with the admin key of local.settings.sample.json,
/// as a reader pastes them; every command's answer is checked.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ReadmeWalkthroughTests : ReadmeBlockTests
{
    [Fact]
    public async Task Every_command_of_the_tour_and_its_continuation_runs_and_answers_what_the_docs_say()
    {
        var script = ScriptOf(("tour", 2), ("client-calls", 2), ("admin-calls", 2));
        Assert.Contains("BASE=" + Server.Http.BaseAddress!.ToString().TrimEnd('/') + "\n", script);
        var now = Server.Clock.GetUtcNow();

        var (steps, run) = await Walkthrough.RunAsync(script, TimeSpan.FromMinutes(2));

        Assert.True(run.ExitCode == 0, Describe(steps, run));
        Assert.Equal("", run.StdErr);
        Assert.True(steps.Count == 24, Describe(steps, run));
        var clientKeyId = await ClientKeyIdAsync("my-app");
        var i = 0;
        WalkthroughStep Next(string commandStart)
        {
            var step = steps[i++];
            Assert.True(step.Command.StartsWith(commandStart, StringComparison.Ordinal), $"step {i - 1} is not '{commandStart}...':\n{step}");
            return step;
        }

        // Set-up.
        Assert.Equal(Server.Http.BaseAddress!.ToString().TrimEnd('/'), Next("BASE=").Output);
        Assert.Equal(SampleAdminKey(), Next("ADMIN=").Output);
        using var created = Json(Next("LICENSE=$(curl"));
        using var echoed = Json(Next("echo \"$LICENSE\""));
        Assert.Equal(created.RootElement.GetRawText(), echoed.RootElement.GetRawText());
        Assert.Equal(2, created.RootElement.GetProperty("licensingMode").GetInt32());
        Assert.Equal(5, created.RootElement.GetProperty("maxClientCount").GetInt32());
        Assert.Equal("""{"seconds":60,"nanos":0}""", created.RootElement.GetProperty("heartbeatInterval").GetRawText());
        Assert.Equal("Contoso", created.RootElement.GetProperty("customerName").GetString());
        var userKey = Next("USER_KEY=").Output;
        Assert.Equal(created.RootElement.GetProperty("userKey").GetString(), userKey);
        Assert.Matches("^[A-Z0-9]{5}(-[A-Z0-9]{5}){4}$", userKey);
        var licenseId = Next("LICENSE_ID=").Output;
        Assert.Equal(created.RootElement.GetProperty("licenseId").GetString(), licenseId);
        Assert.StartsWith("lk_", Next("CLIENT_KEY=").Output);

        // Floating seats.
        Assert.Contains("\"granted\":true", Next("GRANT=$(curl").Output);
        Assert.Equal(
            Compact($$"""{"granted":true,"tokenExpireAt":{{Stamp(LicenseRules.LeaseExpiry(now, TimeSpan.FromSeconds(60), null))}},"heartbeatInterval":{"seconds":60,"nanos":0},"activeClientCount":1,"maxClientCount":5}"""),
            Compact(Next("echo \"$GRANT\" | jq").Output));
        Assert.Equal(3, Next("TOKEN=").Output.Split('.').Length);
        using (var heartbeat = Json(Next("curl -s -X POST \"$BASE/v1/license/heartbeat\"")))
        {
            Assert.True(heartbeat.RootElement.GetProperty("active").GetBoolean());
        }

        using (var info = Json(Next("curl -s -X POST \"$BASE/v1/license/info\"")))
        {
            Assert.Equal(1, info.RootElement.GetProperty("activeClientCount").GetInt32());
            var token = Assert.Single(info.RootElement.GetProperty("licenseTokens").EnumerateArray());
            Assert.Equal("live", token.GetProperty("state").GetString());
            Assert.False(token.GetProperty("revoked").GetBoolean());
            Assert.Equal("machine-1", token.GetProperty("machineId").GetString());
        }

        Assert.Equal(Compact($$"""{"licenseId":"{{licenseId}}","activeClientCount":0,"maxClientCount":5}"""), Compact(Next("curl -s -X POST \"$BASE/v1/license/release\"").Output));
        Assert.Equal("""{"state":"released","revoked":true}""", Next("curl -s -X POST \"$BASE/v1/license/info\"").Output);

        // Activations.
        Assert.Matches("^[A-Z0-9]{5}(-[A-Z0-9]{5}){4}$", Next("ACT_KEY=").Output);
        Assert.Equal(
            Compact($$"""{"success":true,"tokenExpireAt":{{Stamp(LicenseRules.ActivationTokenExpiry(now, TimeSpan.FromDays(30), null))}},"activeClientCount":1}"""),
            Compact(Next("curl -s -X POST \"$BASE/v1/license/activate\"").Output));
        Assert.Equal(
            Compact($$"""{"success":true,"tokenExpireAt":{{Stamp(LicenseRules.ActivationTokenExpiry(now, TimeSpan.FromDays(30), null))}}}"""),
            Compact(Next("curl -s -X POST \"$BASE/v1/license/validate\"").Output));
        Assert.Contains("\"activeClientCount\":0", Next("curl -s -X POST \"$BASE/v1/license/deactivate\"").Output);

        // Signed license files.
        Assert.Matches("^[A-Z0-9]{5}(-[A-Z0-9]{5}){4}$", Next("FILE_KEY=").Output);
        var document = Next("curl -s -X POST \"$BASE/v1/license/validate\"").Output.Split('.');
        Assert.Equal(3, document.Length);
        using (var header = JsonDocument.Parse(Base64Url(document[0])))
        {
            Assert.Equal("ES256", header.RootElement.GetProperty("alg").GetString());
        }

        using (var keys = Json(Next("curl -s \"$BASE/v1/license/keys\"")))
        {
            Assert.Equal("EC", Assert.Single(keys.RootElement.GetProperty("keys").EnumerateArray()).GetProperty("kty").GetString());
        }

        // Admin API.
        using (var view = Json(Next("curl -s \"$BASE/v1/admin/licenses/$LICENSE_ID\"")))
        {
            Assert.Equal(licenseId, view.RootElement.GetProperty("licenseId").GetString());
            Assert.Equal(0, view.RootElement.GetProperty("activeClientCount").GetInt32());
            Assert.Equal("released", Assert.Single(view.RootElement.GetProperty("licenseTokens").EnumerateArray()).GetProperty("state").GetString());
        }

        Assert.Equal("""{"maxClientCount":10,"suspended":false}""", Compact(Next("curl -s -X PATCH").Output));

        // The audit trail, newest first.
        var at = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds()).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(
            [
                $"{at}\tlicense.updated\tbootstrap-admin\t127.0.0.1\t",
                $"{at}\tseat.released\t{clientKeyId}\t127.0.0.1\tmachine-1",
                $"{at}\tseat.granted\t{clientKeyId}\t127.0.0.1\tmachine-1",
                $"{at}\tlicense.created\tbootstrap-admin\t127.0.0.1\t",
            ],
            Next("curl -s \"$BASE/v1/admin/licenses/$LICENSE_ID/events").Output.Split('\n'));
        Assert.Equal(steps.Count, i);
    }

    /// <summary>The bootstrap admin key of a local run: the one local.settings.sample.json sets.</summary>

    private async Task<string> ClientKeyIdAsync(string name)
    {
        using var keys = await Server.SendForJsonAsync(HttpMethod.Get, "v1/admin/api-keys", null, SampleAdminKey());
        return Assert.Single(keys.RootElement.GetProperty("items").EnumerateArray(), k => k.GetProperty("name").GetString() == name).GetProperty("id").GetString()!;
    }

    private static JsonDocument Json(WalkthroughStep step)
    {
        try
        {
            return JsonDocument.Parse(step.Output);
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"not JSON ({ex.Message}):\n{step}", ex);
        }
    }

    private static string Compact(string json) => JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement);

    private static string Stamp(DateTimeOffset at) => JsonSerializer.Serialize(Timestamp.From(at), JsonSerializerOptions.Web);

    private static string Base64Url(string text) =>
        Encoding.UTF8.GetString(Convert.FromBase64String(text.Replace('-', '+').Replace('_', '/') + new string('=', (4 - (text.Length % 4)) % 4)));

    private static string Describe(IReadOnlyList<WalkthroughStep> steps, ProcessResult run) =>
        string.Join("\n", steps.Select((s, n) => $"[{n}] {s}")) + $"\n-- exit {run.ExitCode}\nstderr:\n{run.StdErr}";
}
