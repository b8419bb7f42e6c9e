using Licensing.LocalHost;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Licensing.Tests.Support;

/// <summary>
/// The app's function classes behind the Functions worker's own forwarded-headers handling, where a request arrives as
/// the Functions host hands it over: on a loopback connection, with an X-Forwarded-For the host ended with the address it
/// saw. The local host drops a client's forwarding headers before the app (as the real host does), so only here can a
/// test show what the worker makes of the entries a client wrote itself. Real HTTP on a free loopback port, real Azurite.
/// </summary>
public sealed class WorkerPipelineServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WorkerPipelineServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<WorkerPipelineServer> StartAsync(Action<Dictionary<string, string?>> adjust)
    {
        var settings = TestStorage.ServerSettings(ServerFixture.AdminKey);
        adjust(settings);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = RepoPaths.Root });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddLicensing(builder.Configuration);
        builder.Services.AddSingleton<TimeProvider>(new TestClock());
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        app.UseForwardedHeaders(WorkerForwardedHeaders(settings));
        LocalFunctionsHost.MapFunctions(app, RepoPaths.Root);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new WorkerPipelineServer(app, new Uri(address + "/"));
    }

    /// <summary>
    /// The forwarded-headers options of the worker itself: its ASP.NET Core integration (ConfigureFunctionsWebApplication)
    /// and the app's wiring set up as Program.cs does, read from the built worker (it cannot start without a Functions host).
    /// </summary>
    private static ForwardedHeadersOptions WorkerForwardedHeaders(Dictionary<string, string?> settings)
    {
        var builder = FunctionsApplication.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(settings);
        builder.ConfigureFunctionsWebApplication();
        builder.Services.AddLicensing(builder.Configuration);
        using var worker = builder.Build();
        return worker.Services.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value;
    }

    /// <summary>A client whose connections leave from a loopback address, as the Functions host's do.</summary>
    public HttpClient Client() => new() { BaseAddress = Address };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
