using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Licensing.Bench.Infrastructure;
using Licensing.Bench.Load;
using Licensing.Bench.Results;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Licensing.Bench.Scenarios;

/// <summary>
/// webhooks: --grants seat grants (C at a time) on one floating license with a <c>seat.*</c> webhook pointing at a
/// receiver on loopback, the dispatcher running every 5 s as the default <c>Licensing:WebhookSchedule</c> does. Reports
/// the lag from each event (its <c>at</c>) to its arrival, p50/p95/max, and the distinct event ids that arrived.
/// </summary>
public static class WebhookScenario
{
    private static readonly TimeSpan Schedule = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    public static async Task<RunResult> RunAsync(BenchContext context, int grants, int concurrency, CancellationToken ct)
    {
        var label = $"webhooks grants={grants:N0} c={concurrency}";
        Progress.Say($"==> {label}: one seat.* webhook, a receiver on loopback, the dispatcher every {Schedule.TotalSeconds:0} s");
        var arrivals = new ConcurrentDictionary<string, double>(StringComparer.Ordinal);
        var deliveries = 0;
        await using var receiver = await StartReceiverAsync(body =>
        {
            Interlocked.Increment(ref deliveries);
            using var json = JsonDocument.Parse(body);
            var at = json.RootElement.GetProperty("at");
            var eventAt = DateTimeOffset.FromUnixTimeSeconds(at.GetProperty("seconds").GetInt64()).AddTicks(at.GetProperty("nanos").GetInt32() / 100);
            arrivals.TryAdd(json.RootElement.GetProperty("id").GetString()!, (DateTimeOffset.UtcNow - eventAt).TotalSeconds);
        }).ConfigureAwait(false);
        await using var session = await ServerSession.StartAsync(context, concurrency, ct, extraSettings: new Dictionary<string, string?>
        {
            ["Licensing:AllowInsecureWebhookUrls"] = "true",
            ["Licensing:AllowPrivateWebhookTargets"] = "true",
        }).ConfigureAwait(false);
        using (var seatEvents = JsonDocument.Parse("""["seat.*"]"""))
        using (await session.Api.AdminAsync(
                   "v1/admin/webhooks", ApiClient.Body(("url", receiver.Url), ("events", seatEvents.RootElement)), InProcessServer.AdminKey, ct).ConfigureAwait(false))
        {
        }

        var (_, userKey) = await session.CreateLicenseAsync(2, grants, TimeSpan.FromHours(1), ct).ConfigureAwait(false);
        await session.WarmUpAsync(userKey, ct).ConfigureAwait(false);

        using var stopDispatching = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var dispatching = DispatchEveryAsync(session.Server, stopDispatching.Token);
        var timed = Stopwatch.StartNew();
        var granted = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, grants), new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = ct }, async (i, token) =>
        {
            var answer = await session.Api.PostAsync("v1/license/request", ApiClient.Body(("userKey", userKey), ("machineId", $"bench-{i}")), token).ConfigureAwait(false);
            if (answer.Status == 200 && answer.Contains("\"granted\":true"u8))
            {
                Interlocked.Increment(ref granted);
            }
        }).ConfigureAwait(false);
        var grantSeconds = timed.Elapsed.TotalSeconds;
        while (arrivals.Count < granted && timed.Elapsed < Patience)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), ct).ConfigureAwait(false);
        }

        await stopDispatching.CancelAsync().ConfigureAwait(false);
        await dispatching.ConfigureAwait(false);

        var lags = arrivals.Values.Order().ToArray();
        var result = new RunResult
        {
            Scenario = "webhooks",
            Label = label,
            Concurrency = concurrency,
            Seconds = Math.Round(timed.Elapsed.TotalSeconds, 3),
            Operations = granted,
            OperationsPerSecond = Math.Round(granted / grantSeconds, 1),
            Endpoints = [],
            Metrics = new Dictionary<string, double>
            {
                ["grants"] = granted,
                ["distinctEvents"] = arrivals.Count,
                ["deliveries"] = deliveries,
                ["lagP50Seconds"] = Percentile(lags, 50),
                ["lagP95Seconds"] = Percentile(lags, 95),
                ["lagMaxSeconds"] = lags.Length == 0 ? 0 : Math.Round(lags[^1], 3),
            },
        };
        if (arrivals.Count != granted)
        {
            result.Notes.Add($"{granted - arrivals.Count} of {granted} granted seats' events did not arrive within {Patience.TotalMinutes:0} minutes");
        }

        Progress.Say($"    {label}: {arrivals.Count:N0} of {granted:N0} events arrived ({deliveries:N0} deliveries); lag p50 {result.Metrics["lagP50Seconds"]:0.00} s, "
            + $"p95 {result.Metrics["lagP95Seconds"]:0.00} s, max {result.Metrics["lagMaxSeconds"]:0.00} s");
        return result;
    }

    private static async Task DispatchEveryAsync(InProcessServer server, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(Schedule);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                await server.Webhooks.RunAsync(ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private static double Percentile(double[] sorted, int percent) =>
        sorted.Length == 0 ? 0 : Math.Round(sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(percent / 100.0 * sorted.Length) - 1)], 3);

    private static async Task<Receiver> StartReceiverAsync(Action<string> received)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        app.MapPost("/{**path}", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            received(await reader.ReadToEndAsync().ConfigureAwait(false));
            http.Response.StatusCode = 200;
        });
        await app.StartAsync().ConfigureAwait(false);
        return new Receiver(app, app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/hook");
    }

    private sealed class Receiver(WebApplication app, string url) : IAsyncDisposable
    {
        public string Url { get; } = url;

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }
}
