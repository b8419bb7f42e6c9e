using System.Security.Cryptography;
using Licensing.Expiry;
using Licensing.LocalHost;
using Licensing.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Licensing.Bench.Infrastructure;

/// <summary>
/// The real server, built by <see cref="LocalFunctionsHost"/> in this process and served by Kestrel on 127.0.0.1,
/// with its own tables (a fresh prefix), its own signing key, no background timers, the clock the scenario gives,
/// and the <see cref="StorageCounter"/> on its table clients.
/// </summary>
public sealed class InProcessServer : IAsyncDisposable
{
    public const string AdminKey = "bench-admin-key-0123456789abcdef";

    private readonly WebApplication _app;

    private InProcessServer(WebApplication app, Uri baseAddress, string tablePrefix)
    {
        _app = app;
        BaseAddress = baseAddress;
        TablePrefix = tablePrefix;
    }

    public Uri BaseAddress { get; }

    public string TablePrefix { get; }

    public StorageTables Tables => _app.Services.GetRequiredService<StorageTables>();

    public LeaseExpiryService Expiry => _app.Services.GetRequiredService<LeaseExpiryService>();

    public Licensing.Webhooks.WebhookDispatcher Webhooks => _app.Services.GetRequiredService<Licensing.Webhooks.WebhookDispatcher>();

    /// <param name="outagesExpected">
    /// Storage will be stopped on purpose (the soak): its "storage unavailable" warnings, one per 503, would drown the
    /// output, so only the endpoint's errors (unexpected failures) are logged.
    /// </param>
    public static async Task<InProcessServer> StartAsync(
        string connectionString, int? port, TimeProvider clock, StorageCounter counter, CancellationToken ct, bool outagesExpected = false,
        IReadOnlyDictionary<string, string?>? extraSettings = null)
    {
        if (port is { } fixedPort && await AzuriteProcess.AcceptsAsync(fixedPort, ct).ConfigureAwait(false))
        {
            throw new BenchUsageException($"port {fixedPort} on 127.0.0.1 is in use (--port)");
        }

        // The local host reads host.json's route prefix and the sample settings from the working folder up.
        Directory.SetCurrentDirectory(RepoRoot.Path);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var prefix = "b" + Guid.NewGuid().ToString("N")[..12];
        var settings = new Dictionary<string, string?>
        {
            ["PORT"] = (port ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture),
            [LocalFunctionsHost.RunTimersSetting] = "false",
            ["Licensing:AdminApiKey"] = AdminKey,
            ["Licensing:SigningKey"] = key.ExportPkcs8PrivateKeyPem(),
            ["Licensing:SigningKeyFile"] = "",
            ["Licensing:StorageConnectionString"] = connectionString,
            ["Licensing:TablePrefix"] = prefix,
            // The load comes from one address and one key at rates far above a client app's: no throttling.
            ["Licensing:RateLimitPerKey"] = "0",
            ["Licensing:RateLimitPerAddress"] = "0",
        };
        foreach (var (name, value) in extraSettings ?? new Dictionary<string, string?>())
        {
            settings[name] = value;
        }

        var app = LocalFunctionsHost.Build([], settings, builder =>
        {
            builder.Services.AddSingleton(clock);
            builder.Services.Configure<TablePipelineOptions>(o => o.PerCallPolicies.Add(counter));
            builder.Services.AddSingleton<IStartupFilter>(new TallyPerRequest(counter));
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            if (outagesExpected)
            {
                builder.Logging.AddFilter(typeof(Licensing.Http.ApiEndpoint).FullName, LogLevel.Error);
            }
        });
        try
        {
            await app.StartAsync(ct).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new BenchUsageException($"the server could not listen on 127.0.0.1:{port}: {ex.Message}");
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var server = new InProcessServer(app, new Uri(address), prefix);
        await server.Tables.EnsureCreatedAsync(ct).ConfigureAwait(false);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Opens a storage tally for each request, named by the last segment of its path (heartbeat, request, ...).</summary>
    private sealed class TallyPerRequest(StorageCounter counter) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (HttpContext context, RequestDelegate inner) =>
            {
                var path = context.Request.Path.Value ?? "";
                var tally = counter.Begin(path[(path.LastIndexOf('/') + 1)..]);
                try
                {
                    await inner(context).ConfigureAwait(false);
                }
                finally
                {
                    counter.End(tally);
                }
            });
            next(app);
        };
    }
}
