namespace Licensing.Telemetry;

/// <summary>
/// In Azure: the worker's logs, the app's spans (<see cref="LicensingTraces"/>) and meter (<see cref="LicensingMetrics"/>)
/// go to Application Insights through OpenTelemetry, authenticated with the app's managed identity (the component
/// accepts no instrumentation key alone). Without APPLICATIONINSIGHTS_CONNECTION_STRING (a local run) nothing is exported.
/// </summary>
public static class AzureMonitorExport
{
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    public static IServiceCollection AddAzureMonitorExport(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = configuration[ConnectionStringSetting];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return services;
        }

        var clientId = configuration[$"{LicensingOptions.Section}:{nameof(LicensingOptions.ManagedIdentityClientId)}"];
        TokenCredential credential = string.IsNullOrWhiteSpace(clientId)
            ? new DefaultAzureCredential()
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
        services.AddOpenTelemetry()
            .UseFunctionsWorkerDefaults()
            .WithTracing(tracing => tracing.AddSource(LicensingTraces.SourceName))
            .WithMetrics(metrics => metrics.AddMeter(LicensingMetrics.MeterName))
            .UseAzureMonitorExporter(options =>
            {
                options.ConnectionString = connectionString;
                options.Credential = credential;
            });
        return services;
    }
}
