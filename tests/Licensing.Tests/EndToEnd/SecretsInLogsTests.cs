using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Licensing.Telemetry;
using Licensing.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Licensing.Tests.EndToEnd;

/// <summary>No API key, token or signing key ever reaches a log line or the telemetry, whatever the calls and their failures.</summary>
public sealed class SecretsInLogsTests
{
    [Fact]
    public async Task A_full_run_with_failures_logs_and_traces_and_meters_no_key_token_or_signing_key()
    {
        var logs = new CapturedLogs();
        var spans = new ConcurrentQueue<Activity>();
        using var tracing = new ActivityListener
        {
            ShouldListenTo = source => source.Name == LicensingTraces.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(tracing);
        string signingKey = "";
        await using var server = await ServerFixture.StartAsync(
            s => signingKey = s["Licensing:SigningKey"]!,
            configure: builder =>
            {
                builder.Logging.ClearProviders();
                builder.Logging.AddProvider(logs);
                builder.Logging.SetMinimumLevel(LogLevel.Trace);
            });
        using var meter = new MeterRecorder(server.Services.GetRequiredService<IMeterFactory>());
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
        // What telemetry carries: each span's name and tags, each measurement's tags. Spans of other tests' servers
        // may be among them: none may carry these secrets either.
        var ours = spans.Where(s => Equals(s.GetTagItem(LicensingTraces.LicenseIdTag), license.LicenseId)).ToList();
        Assert.Equal(3, ours.Count);
        Assert.Equal(["licensing admin.licenses.create", "licensing release", "licensing request"], ours.Select(s => s.DisplayName).Order());
        var carried = spans.Select(s => s.DisplayName + " " + string.Join(' ', s.TagObjects.Select(t => $"{t.Key}={t.Value}")) + " " + s.StatusDescription)
            .Concat(meter.All.Select(m => m.Instrument + " " + string.Join(' ', m.Tags.Select(t => $"{t.Key}={t.Value}"))))
            .ToList();
        Assert.Equal(7, meter.All.Count(m => m.Instrument == LicensingMetrics.Calls));
        Assert.All(carried, item => Assert.All(secrets, secret => Assert.DoesNotContain(secret, item, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Bearer_tokens_good_or_bad_never_reach_a_log_line_or_a_response()
    {
        var logs = new CapturedLogs();
        await using var issuer = await TestIssuer.StartAsync();
        await using var server = await ServerFixture.StartAsync(
            issuer.Configure,
            configure: builder =>
            {
                builder.Logging.ClearProviders();
                builder.Logging.AddProvider(logs);
                builder.Logging.SetMinimumLevel(LogLevel.Trace);
            });
        var now = server.Clock.GetUtcNow();
        var tokens = new[]
        {
            issuer.Mint(now),
            issuer.Mint(now, roles: ["Licensing.Reader"]),
            issuer.Mint(now, audience: "api://another-api"),
            issuer.Mint(now, lifetime: TimeSpan.FromMinutes(-10)),
            issuer.Mint(now, signedWith: issuer.StrangerKey()),
            issuer.MintUnsigned(now),
            issuer.MintHs256WithPublicKeyAsSecret(now),
        };

        var bodies = new List<string>();
        foreach (var token in tokens)
        {
            using var response = await server.SendWithBearerAsync(HttpMethod.Post, "v1/admin/licenses", new { licensingMode = 2, maxClientCount = 1 }, token);
            bodies.Add(await response.Content.ReadAsStringAsync() + response.Headers);
        }

        await issuer.StopAsync();
        using (await server.SendWithBearerAsync(HttpMethod.Get, "v1/admin/api-keys", null, issuer.Mint(now, signedWith: issuer.StrangerKey("another"))))
        {
        }

        // The signature part alone is what a truncated log line would still carry.
        var secrets = tokens.Concat(tokens.Select(t => t[(t.LastIndexOf('.') + 1)..]).Where(s => s.Length > 20)).ToList();
        Assert.Contains(logs.Lines, line => line.Contains("refused", StringComparison.Ordinal));
        Assert.All(logs.Lines, line => Assert.All(secrets, secret => Assert.DoesNotContain(secret, line, StringComparison.Ordinal)));
        Assert.All(bodies, body => Assert.All(secrets, secret => Assert.DoesNotContain(secret, body, StringComparison.Ordinal)));
    }

    /// <summary>The base64 lines of a PEM, which is what would show if the key were ever logged.</summary>
    private static string PemBody(string pem) =>
        pem.Split('\n').First(l => l.Length > 40 && !l.StartsWith("-----", StringComparison.Ordinal));
}
