using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Licensing.Expiry;
using Licensing.LocalHost;
using Licensing.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Licensing.Tests.Support;

/// <summary>
/// The local host serving the real function classes over real HTTP on a free loopback port, against a real Azurite,
/// with its own tables, its own clock and a storage round-trip counter. One per test class.
/// </summary>
public class ServerFixture : IAsyncLifetime, IAsyncDisposable
{
    public const string AdminKey = "test-admin-key-0123456789abcdef";

    private readonly bool _systemClock;
    private WebApplication? _app;
    private OpenApiCheckingHandler? _checking;

    public ServerFixture()
        : this(new TestClock())
    {
    }

    /// <param name="systemClock">Serve on the machine's clock (for clients that are other processes on the wall clock).</param>
    protected ServerFixture(bool systemClock)
        : this(new TestClock()) => _systemClock = systemClock;

    protected ServerFixture(TestClock clock) => Clock = clock;

    /// <summary>The server's clock: give the same one to the SDK clients of a test.</summary>
    public TestClock Clock { get; }

    public StorageRequestCounter StorageRequests { get; } = new();

    public HttpClient Http { get; private set; } = null!;

    /// <summary>Every answer <see cref="Http"/> received, each checked against the OpenAPI document as it came.</summary>
    public IReadOnlyCollection<RecordedResponse> Responses => _checking?.Recorded ?? [];

    public string ClientKey { get; private set; } = "";

    public string TablePrefix { get; private set; } = TestStorage.NewTablePrefix();

    public IServiceProvider Services => _app!.Services;

    public StorageTables Tables => Services.GetRequiredService<StorageTables>();

    public Task InitializeAsync() => BootAsync(adjust: null, configure: null);

    /// <summary>
    /// A server with its settings adjusted first (another signing key, the tables of an earlier server, ...), on a clock
    /// of its own or on <paramref name="clock"/>, to share one clock with another server.
    /// </summary>
    public static async Task<ServerFixture> StartAsync(
        Action<Dictionary<string, string?>> adjust,
        Action<WebApplicationBuilder>? configure = null,
        TestClock? clock = null)
    {
        var server = new ServerFixture(clock ?? new TestClock());
        await server.BootAsync(adjust, configure);
        return server;
    }

    private async Task BootAsync(Action<Dictionary<string, string?>>? adjust, Action<WebApplicationBuilder>? configure)
    {
        var settings = TestStorage.ServerSettings(AdminKey);
        settings["Licensing:TablePrefix"] = TablePrefix;
        adjust?.Invoke(settings);
        TablePrefix = settings["Licensing:TablePrefix"]!;
        _app = LocalFunctionsHost.Build([], settings, builder =>
        {
            builder.Services.AddSingleton(_systemClock ? TimeProvider.System : Clock);
            builder.Services.Configure<TablePipelineOptions>(o => o.PerCallPolicies.Add(StorageRequests));
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            configure?.Invoke(builder);
        });
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _checking = new OpenApiCheckingHandler(OpenApiContract.Served);
        Http = new HttpClient(_checking) { BaseAddress = new Uri(address) };
        var created = await SendForJsonAsync(HttpMethod.Post, "v1/admin/api-keys", new { name = "tests", scope = "client" }, settings["Licensing:AdminApiKey"]);
        ClientKey = created.RootElement.GetProperty("key").GetString()!;
    }

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        await DisposeAsync();
        GC.SuppressFinalize(this);
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    /// <summary>A fresh license; returns its admin view (licenseId, userKey, ...).</summary>
    public async Task<License> CreateLicenseAsync(int mode, int seats, int heartbeatSeconds = 60, object? extra = null)
    {
        var body = new JsonObject
        {
            ["licensingMode"] = mode,
            ["maxClientCount"] = seats,
            ["heartbeatInterval"] = new JsonObject { ["seconds"] = heartbeatSeconds, ["nanos"] = 0 },
        };
        if (extra is not null)
        {
            foreach (var (name, value) in JsonSerializer.SerializeToNode(extra)!.AsObject())
            {
                body[name] = value?.DeepClone();
            }
        }

        using var response = await SendAsync(HttpMethod.Post, "v1/admin/licenses", body, AdminKey);
        var json = await ReadJsonAsync(response);
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, json.RootElement.GetRawText());
        return new License(json.RootElement.GetProperty("licenseId").GetString()!, json.RootElement.GetProperty("userKey").GetString()!);
    }

    public Task<JsonDocument> AdminPostAsync(string route, object body) => SendForJsonAsync(HttpMethod.Post, route, body, AdminKey);

    /// <summary>A client call with the fixture's client key; asserts nothing about the status.</summary>
    public Task<HttpResponseMessage> PostAsync(string route, object body, string? apiKey = null, string contentType = "application/json") =>
        SendAsync(HttpMethod.Post, route, body, apiKey ?? ClientKey, contentType);

    /// <summary>A client call that must answer 200: its JSON body.</summary>
    public Task<JsonDocument> CallAsync(string route, object body) => SendForJsonAsync(HttpMethod.Post, route, body, ClientKey);

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string route, object? body, string? apiKey, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, route);
        if (apiKey is not null)
        {
            request.Headers.Add("x-api-key", apiKey);
        }

        if (body is not null)
        {
            var text = body as string ?? JsonSerializer.Serialize(body);
            request.Content = new StringContent(text, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        return await Http.SendAsync(request);
    }

    public async Task<JsonDocument> SendForJsonAsync(HttpMethod method, string route, object? body, string? apiKey)
    {
        using var response = await SendAsync(method, route, body, apiKey);
        var json = await ReadJsonAsync(response);
        Assert.True(response.IsSuccessStatusCode, $"{method} {route} answered {(int)response.StatusCode}: {json.RootElement.GetRawText()}");
        return json;
    }

    public static async Task<JsonDocument> ReadJsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text.Length == 0 ? "{}" : text);
    }

    /// <summary>Runs the expiry timer's work once, as the timer function would.</summary>
    public Task<ExpiryRun> RunExpiryTimerAsync() => Services.GetRequiredService<LeaseExpiryService>().RunAsync(CancellationToken.None);

    /// <summary>The stored license and seat rows of a license's partition, straight from storage (audit events and the ended-seat index apart).</summary>
    public async Task<List<TableEntity>> StoredRowsAsync(string licenseId) =>
        (await StoredPartitionAsync(licenseId)).Where(r => !TableKeys.IsEventRow(r.RowKey) && !TableKeys.IsEndedRow(r.RowKey) && !TableKeys.IsUsageRow(r.RowKey)).ToList();

    /// <summary>The stored seat usage rows of a license (hour tallies and denial counts), oldest hour first, straight from storage.</summary>
    public async Task<List<TableEntity>> StoredUsageRowsAsync(string licenseId) =>
        (await StoredPartitionAsync(licenseId)).Where(r => TableKeys.IsUsageRow(r.RowKey)).ToList();

    /// <summary>The stored rows of a license's ended-seat index, oldest first, straight from storage.</summary>
    public async Task<List<TableEntity>> StoredEndedIndexAsync(string licenseId) =>
        (await StoredPartitionAsync(licenseId)).Where(r => TableKeys.IsEndedRow(r.RowKey)).ToList();

    /// <summary>The stored audit events of a license, newest first, straight from storage.</summary>
    public async Task<List<TableEntity>> StoredEventsAsync(string licenseId) =>
        (await StoredPartitionAsync(licenseId)).Where(r => TableKeys.IsEventRow(r.RowKey)).ToList();

    private async Task<List<TableEntity>> StoredPartitionAsync(string licenseId)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in Tables.Licenses.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {licenseId}")))
        {
            rows.Add(row);
        }

        return rows;
    }

    public async Task<TableEntity?> StoredLicenseRowAsync(string licenseId) =>
        (await StoredRowsAsync(licenseId)).FirstOrDefault(r => r.RowKey == TableKeys.LicenseRow);
}

public sealed record License(string LicenseId, string UserKey);

/// <summary>A server on the machine's clock, for tests whose clients are other processes (the samples, a packaged app).</summary>
public sealed class RealClockServerFixture() : ServerFixture(systemClock: true);

/// <summary>
/// A server on a test clock that starts at the machine's time: for clients in other processes (the CLI), which check
/// that a signed answer is dated within their clock skew, while the test still moves the server's time itself.
/// </summary>
public sealed class NearWallClockServerFixture() : ServerFixture(new TestClock(TimeProvider.System.GetUtcNow()));
