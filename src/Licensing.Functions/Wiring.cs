using Licensing.Admin;
using Licensing.Expiry;
using Licensing.Http;
using Licensing.Seats;
using Licensing.Settings;
using Licensing.Signing;
using Licensing.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Licensing;

/// <summary>The app's services, registered the same way by the Functions host and the local host.</summary>
public static class Wiring
{
    public static IServiceCollection AddLicensing(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LicensingOptions>()
            .Bind(configuration.GetSection(LicensingOptions.Section))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<LicensingOptions>, LicensingOptionsValidator>();
        services.AddOptions<TablePipelineOptions>();
        services.TryAddSingleton(TimeProvider.System);

        services.AddSingleton<StorageTables>();
        services.AddSingleton<SeatStore>();
        services.AddSingleton<AuditTrail>();
        services.AddSingleton<ExpiryIndex>();
        services.AddSingleton<TokenSigner>();
        services.AddSingleton<LicenseCredentials>();
        services.AddSingleton<ApiKeys>();
        services.AddSingleton<AdminTokens>();
        services.AddSingleton<RequestThrottle>();
        services.AddSingleton<ApiEndpoint>();

        services.AddSingleton<ActivationService>();
        services.AddSingleton<LeaseService>();
        services.AddSingleton<ValidationService>();
        services.AddSingleton<AdminLicenseService>();
        services.AddSingleton<LeaseExpiryService>();
        return services;
    }
}
