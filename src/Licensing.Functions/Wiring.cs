namespace Licensing;

/// <summary>The app's services, registered the same way by the Functions host and the local host, grouped by concern.</summary>
public static class Wiring
{
    public static IServiceCollection AddLicensing(this IServiceCollection services, IConfiguration configuration)
    {
        // Settings, checked at start, and the clock every rule reads.
        services.AddOptions<LicensingOptions>()
            .Bind(configuration.GetSection(LicensingOptions.Section))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<LicensingOptions>, LicensingOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);

        // Telemetry: the app's meter (exported in Azure by Program.cs, read in-process by tests).
        services.AddMetrics();
        services.AddSingleton<LicensingMetrics>();
        services.AddSingleton<WebhookMetrics>();

        // Storage: every table read and write.
        services.AddOptions<TablePipelineOptions>();
        services.AddSingleton<StorageTables>();
        services.AddSingleton<LicenseCache>();
        services.AddSingleton<PartitionBounds>();
        services.AddSingleton<LicenseCatalog>();
        services.AddSingleton<LicenseStore>();
        services.AddSingleton<SeatStore>();
        services.AddSingleton<PolicyStore>();
        services.AddSingleton<TrialStore>();
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<ExpiryIndex>();
        services.AddSingleton<AuditTrail>();
        services.AddSingleton<WebhookStore>();
        services.AddSingleton<WebhookDirectory>();
        services.AddSingleton<WebhookOutbox>();
        services.AddSingleton<UsageStore>();
        services.AddSingleton<MeterStore>();

        // Signing: seat tokens, license documents, the JWKS.
        services.AddSingleton<TokenSigner>();
        services.AddSingleton<LicenseCredentials>();
        services.AddSingleton<AnswerSigning>();

        // Auth: the caller's address, API keys, admin bearer tokens, throttles.
        services.AddSingleton<IConfigureOptions<ForwardedHeadersOptions>, ForwardedAddresses>();
        services.AddSingleton<ApiKeyAuthenticator>();
        services.AddSingleton<AdminTokens>();
        services.AddSingleton<RequestThrottle>();
        services.AddSingleton<RequestAuthorizer>();
        services.AddSingleton<PortalSessions>();

        // The rules: seats, the admin API, the portal, the expiry timer.
        services.AddSingleton<SeatGroupCommit>();
        services.AddSingleton<ActivationService>();
        services.AddSingleton<LeaseService>();
        services.AddSingleton<SeatDisclosure>();
        services.AddSingleton<LicenseStatusService>();
        services.AddSingleton<SeatsByPublicId>();
        services.AddSingleton<AdminLicenseService>();
        services.AddSingleton<PolicyService>();
        services.AddSingleton<TrialService>();
        services.AddSingleton<BorrowService>();
        services.AddSingleton<OfflineActivationService>();
        services.AddSingleton<MeterLocks>();
        services.AddSingleton<MeterService>();
        services.AddSingleton<ApiKeyService>();
        services.AddSingleton<LeaseExpiryService>();
        services.AddSingleton<LicenseUsageService>();
        services.AddSingleton<PortalService>();
        services.AddSingleton<SeatDenials>();
        services.AddHostedService(provider => provider.GetRequiredService<SeatDenials>());

        // Webhooks: the admin rules, and delivery (signed, retried with jitter, addresses checked after DNS).
        services.AddSingleton<WebhookService>();
        services.AddSingleton(new WebhookBackoff(Random.Shared));
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<WebhookDispatcher>();

        // Backups: every table to blobs, on a timer.
        services.AddSingleton<BackupService>();

        // HTTP: requests read, outcomes answered.
        services.AddSingleton<ApiEndpoint>();
        services.AddSingleton<ClientCalls>();
        services.AddSingleton<AdminLicenseCalls>();
        services.AddSingleton<AdminPolicyCalls>();
        services.AddSingleton<TrialCalls>();
        services.AddSingleton<BorrowCalls>();
        services.AddSingleton<OfflineCalls>();
        services.AddSingleton<PortalCalls>();
        services.AddSingleton<UsageCalls>();
        services.AddSingleton<AdminApiKeyCalls>();
        services.AddSingleton<AdminWebhookCalls>();
        services.AddSingleton<AdminDiagnostics>();
        return services;
    }
}
