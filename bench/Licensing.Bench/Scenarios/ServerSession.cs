using Licensing.Bench.Infrastructure;
using Licensing.Bench.Load;

namespace Licensing.Bench.Scenarios;

/// <summary>A fresh in-process server (its own tables) and an HTTP client holding a client-scope API key of it.</summary>
public sealed class ServerSession : IAsyncDisposable
{
    private ServerSession(InProcessServer server, ApiClient api)
    {
        Server = server;
        Api = api;
    }

    public InProcessServer Server { get; }

    public ApiClient Api { get; }

    public static async Task<ServerSession> StartAsync(
        BenchContext context, int connections, CancellationToken ct, TimeProvider? clock = null, bool outagesExpected = false,
        IReadOnlyDictionary<string, string?>? extraSettings = null)
    {
        var server = await InProcessServer.StartAsync(
            context.Azurite.ConnectionString, context.Options.Port, clock ?? TimeProvider.System, context.Counter, ct, outagesExpected,
            !context.Options.SignAnswers ? new Dictionary<string, string?>(extraSettings ?? new Dictionary<string, string?>()) { [Licensing.Settings.SettingNames.SignAnswers] = "false" } : extraSettings)
            .ConfigureAwait(false);
        var api = new ApiClient(server.BaseAddress, "", connections);
        try
        {
            using var key = await api.AdminAsync("v1/admin/api-keys", ApiClient.Body(("name", "bench"), ("scope", "client")), InProcessServer.AdminKey, ct)
                .ConfigureAwait(false);
            api.ApiKey = key.RootElement.GetProperty("key").GetString()!;
            return new ServerSession(server, api);
        }
        catch
        {
            api.Dispose();
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A new license through the admin API: its id and user key.</summary>
    public async Task<(string LicenseId, string UserKey)> CreateLicenseAsync(int mode, int seats, TimeSpan? heartbeatInterval, CancellationToken ct)
    {
        using var created = await Api.AdminAsync(
            "v1/admin/licenses",
            ApiClient.Body(("licensingMode", mode), ("maxClientCount", seats), ("heartbeatInterval", heartbeatInterval), ("customerName", "Bench")),
            InProcessServer.AdminKey,
            ct).ConfigureAwait(false);
        return (created.RootElement.GetProperty("licenseId").GetString()!, created.RootElement.GetProperty("userKey").GetString()!);
    }

    /// <summary>Calls the API once so the client key is cached and the connections are warm, as on a running server.</summary>
    public async Task WarmUpAsync(string userKey, CancellationToken ct) =>
        await Api.PostAsync("v1/license/info", ApiClient.Body(("userKey", userKey), ("machineId", "warm-up")), ct).ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        await Server.DisposeAsync().ConfigureAwait(false);
    }
}
