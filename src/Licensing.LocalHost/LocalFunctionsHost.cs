namespace Licensing.LocalHost;

/// <summary>
/// Serves the Functions app's own function classes on Kestrel, bound to 127.0.0.1:$PORT (default 7071): routes and
/// methods from their [HttpTrigger] attributes, host.json's routePrefix, and timers on their schedules.
/// It holds no behaviour of its own: everything a request goes through lives in the function classes.
/// </summary>
public static class LocalFunctionsHost
{
    /// <summary>Set to false to leave timers to the caller (tests run them by hand).</summary>
    public const string RunTimersSetting = "LocalHost:RunTimers";

    private static readonly string[] ClientForwardingHeaders =
        ["X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Original-For", "X-Original-Host", "X-Original-Proto", "Forwarded"];

    /// <param name="args">Command-line arguments (configuration overrides).</param>
    /// <param name="overrides">Settings that win over every other source (tests).</param>
    /// <param name="customize">Last changes to the services before the app is built (tests).</param>
    public static WebApplication Build(
        string[] args,
        IReadOnlyDictionary<string, string?>? overrides = null,
        Action<WebApplicationBuilder>? customize = null)
    {
        var folder = Directory.GetCurrentDirectory();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = folder });
        var (values, _) = LocalSettings.ReadValues(folder);
        // Lowest precedence: the settings file; environment variables and arguments override it.
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = values });
        if (overrides is not null)
        {
            builder.Configuration.AddInMemoryCollection(overrides);
        }

        var port = int.Parse(builder.Configuration["PORT"] ?? "7071", CultureInfo.InvariantCulture);
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Services.AddLicensing(builder.Configuration);
        // One line per request is noise in a terminal; the app's own warnings and the timer's counts still show.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        customize?.Invoke(builder);
        if (builder.Configuration.GetValue(RunTimersSetting, defaultValue: true))
        {
            builder.Services.AddHostedService<TimerFunctions>();
        }

        var app = builder.Build();

        // As the Functions host does: a client's own forwarding headers never reach the worker, whose caller address is
        // the connection's (the real host puts the address it saw in their place, which the worker then applies).
        app.Use((context, next) =>
        {
            foreach (var name in ClientForwardingHeaders)
            {
                context.Request.Headers.Remove(name);
            }

            return next(context);
        });
        MapFunctions(app, folder);
        return app;
    }

    /// <summary>Maps every HTTP function of the app on its route and methods, under host.json's routePrefix (read from <paramref name="folder"/> up).</summary>
    public static void MapFunctions(IEndpointRouteBuilder app, string folder)
    {
        var prefix = LocalSettings.RoutePrefix(folder);
        foreach (var function in FunctionRoutes.Discover(typeof(Wiring).Assembly))
        {
            FunctionInvoker.EnsureBindable(function.Method);
            var pattern = "/" + (prefix.Length > 0 ? prefix + "/" : "") + function.Route;
            app.MapMethods(pattern, function.Methods.Select(m => m.ToUpperInvariant()), context => FunctionInvoker.InvokeHttpAsync(function, context))
                .WithDisplayName(function.Name);
        }
    }
}
