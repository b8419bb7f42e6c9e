namespace Licensing.Client;

public static class ServiceCollectionExtensions
{
    /// <summary>Registers <see cref="LicensingClient"/> as a typed client of IHttpClientFactory, with these options.</summary>
    public static IHttpClientBuilder AddLicensingClient(this IServiceCollection services, Action<LicensingClientOptions> configure)
    {
        if (services is null)
        {
            throw new ArgumentNullException(nameof(services));
        }

        var options = new LicensingClientOptions();
        (configure ?? throw new ArgumentNullException(nameof(configure)))(options);
        options.Validate();
        services.AddSingleton(options);
        return services.AddHttpClient<LicensingClient>();
    }
}
