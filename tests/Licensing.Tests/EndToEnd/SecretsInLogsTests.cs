using Licensing.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Licensing.Tests.EndToEnd;

/// <summary>No API key, token or signing key ever reaches a log line, whatever the calls and their failures.</summary>
public sealed class SecretsInLogsTests
{
    [Fact]
    public async Task A_full_run_with_failures_logs_no_key_token_or_signing_key()
    {
        var logs = new CapturedLogs();
        string signingKey = "";
        await using var server = await ServerFixture.StartAsync(
            s => signingKey = s["Licensing:SigningKey"]!,
            realClock: false,
            configure: builder =>
            {
                builder.Logging.ClearProviders();
                builder.Logging.AddProvider(logs);
                builder.Logging.SetMinimumLevel(LogLevel.Trace);
            });
        var license = await server.CreateLicenseAsync(mode: 2, seats: 1, heartbeatSeconds: 5);
        var token = (await server.CallAsync("v1/license/request", new { license.UserKey, machineId = "m1" })).RootElement.GetProperty("licenseToken").GetString()!;
        await server.CallAsync("v1/license/heartbeat", new { licenseToken = token, machineId = "m1" });
        using (await server.PostAsync("v1/license/heartbeat", new { licenseToken = token + "x", machineId = "m1" }))
        using (await server.PostAsync("v1/license/request", new { license.UserKey, machineId = "m2" }, apiKey: ServerFixture.AdminKey + "wrong"))
        using (await server.PostAsync("v1/license/request", "{ not json", contentType: "application/json"))
        {
        }

        server.Clock.Advance(TimeSpan.FromSeconds(11));
        await server.RunExpiryTimerAsync();
        await server.CallAsync("v1/license/release", new { licenseToken = token, machineId = "m1" });

        var secrets = new[] { ServerFixture.AdminKey, server.ClientKey, token, license.UserKey, PemBody(signingKey) };
        Assert.Contains(logs.Lines, line => line.Contains("Application started", StringComparison.Ordinal));
        Assert.All(logs.Lines, line => Assert.All(secrets, secret => Assert.DoesNotContain(secret, line, StringComparison.Ordinal)));
    }

    /// <summary>The base64 lines of a PEM, which is what would show if the key were ever logged.</summary>
    private static string PemBody(string pem) =>
        pem.Split('\n').First(l => l.Length > 40 && !l.StartsWith("-----", StringComparison.Ordinal));
}
