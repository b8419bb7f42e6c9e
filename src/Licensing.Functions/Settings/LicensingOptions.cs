namespace Licensing.Settings;

/// <summary>Every setting the app reads, under the section <c>Licensing</c> (environment: <c>Licensing__Name</c>).</summary>
public sealed class LicensingOptions
{
    public const string Section = "Licensing";

    /// <summary>The bootstrap admin API key. In Azure a Key Vault reference.</summary>
    public string AdminApiKey { get; set; } = "";

    /// <summary>The ES256 (P-256) private key that signs tokens and license documents, as PEM. In Azure a Key Vault reference.</summary>
    public string? SigningKey { get; set; }

    /// <summary>A file holding <see cref="SigningKey"/> instead (local development).</summary>
    public string? SigningKeyFile { get; set; }

    /// <summary>
    /// During a signing-key rotation, the retired key (PEM, private or public): tokens it signed keep verifying and
    /// the JWKS publishes it beside the current key. Remove it once those tokens have expired.
    /// </summary>
    public string? PreviousSigningKey { get; set; }

    /// <summary>Table storage by connection string (Azurite locally). Either this or <see cref="TableServiceUri"/>.</summary>
    public string? StorageConnectionString { get; set; }

    /// <summary>Table storage by managed identity: the account's table endpoint.</summary>
    public Uri? TableServiceUri { get; set; }

    /// <summary>With <see cref="TableServiceUri"/>: the client id of a user-assigned identity (else DefaultAzureCredential picks).</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>Prepended to every table name, so deployments or test runs can share one account.</summary>
    public string TablePrefix { get; set; } = "";

    /// <summary>Six-field cron schedule of the ExpireLapsedTokens timer.</summary>
    public string ExpirySchedule { get; set; } = "0 */1 * * * *";

    /// <summary>The most expiry-index entries one timer run handles; the rest wait for the next run.</summary>
    public int ExpiryMaxEntriesPerRun { get; set; } = Expiry.LeaseExpiryService.MaxEntriesPerRun;

    /// <summary>Six-field cron schedule of the DeliverWebhooks timer (every 5 s keeps delivery lag well within 15 s).</summary>
    public string WebhookSchedule { get; set; } = "*/5 * * * * *";

    /// <summary>Six-field cron schedule of the BackupTables timer (daily at 03:00 UTC by default).</summary>
    public string BackupSchedule { get; set; } = "0 0 3 * * *";

    /// <summary>The blob container backups are written to (created when missing).</summary>
    public string BackupContainer { get; set; } = "backups";

    /// <summary>Backups into another account, by connection string. Empty: the blob service of the app's account.</summary>
    public string? BackupConnectionString { get; set; }

    /// <summary>Backups by managed identity: the blob endpoint of the app's account or another (in Azure, set by the template).</summary>
    public Uri? BackupBlobServiceUri { get; set; }

    /// <summary>Lets a webhook's URL be plain http on a loopback host (local development and tests); https otherwise.</summary>
    public bool AllowInsecureWebhookUrls { get; set; }

    /// <summary>Lets deliveries reach private, loopback, link-local and metadata addresses (refused after DNS otherwise).</summary>
    public bool AllowPrivateWebhookTargets { get; set; }

    /// <summary>How long ended tokens stay visible in info before they are purged.</summary>
    public TimeSpan TokenRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// The most ended seats a license keeps (its newest; <see cref="TokenRetention"/> purges them sooner): past it the
    /// oldest are deleted in batches as seats end, so a client looping activate/deactivate cannot grow its partition.
    /// </summary>
    public int MaxEndedSeatsPerLicense { get; set; } = 1_000;

    /// <summary>The most audit events a license keeps (its newest): past it the oldest are deleted in batches as events are written.</summary>
    public int MaxEventsPerLicense { get; set; } = 10_000;

    /// <summary>How long an activation token is valid before validate must renew it.</summary>
    public TimeSpan ActivationTokenLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Signs every answer of a <c>/v1/license/*</c> call (RFC 9421 with an RFC 9530 <c>Content-Digest</c>, the current
    /// signing key) so a fake or replaying server cannot pass for this one. Off gives back the CPU one ECDSA signature
    /// per answer costs; SDKs that require signed answers then refuse every answer.
    /// </summary>
    public bool SignAnswers { get; set; } = true;

    /// <summary>A new floating license's heartbeat interval when the admin names none.</summary>
    public TimeSpan DefaultHeartbeatInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long an instance may answer heartbeats and floating validates from its copy of a license row instead of
    /// reading it: an admin change made on another instance takes effect here within this time. Zero turns it off.
    /// </summary>
    public TimeSpan LicenseCacheTtl { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Calls per second one API key may make (a burst of as many), per instance; 0 turns the limit off.</summary>
    public int RateLimitPerKey { get; set; } = 1000;

    /// <summary>Calls per second one client address may make (a burst of as many), per instance; 0 turns it off.</summary>
    public int RateLimitPerAddress { get; set; } = 300;

    /// <summary>
    /// Proxies in front of the Functions host (Azure Front Door, API Management) whose X-Forwarded-For entries are
    /// trusted for the caller's address, beyond the host's own hop; 0 (the default) when clients reach the app directly.
    /// </summary>
    public int TrustedProxyCount { get; set; }

    /// <summary>Wrong API keys one address may send per minute before its calls are refused with 429; 0 turns it off.</summary>
    public int FailedKeyLimitPerAddress { get; set; } = 30;

    /// <summary>
    /// The OpenID Connect issuer whose bearer tokens admin calls also accept (its <c>iss</c>, exactly; the metadata is
    /// read from <c>{issuer}/.well-known/openid-configuration</c>). For Entra ID the v2.0 issuer,
    /// <c>https://login.microsoftonline.com/{tenant id}/v2.0</c>. Empty: admin calls take API keys only.
    /// </summary>
    public string AdminTokenIssuer { get; set; } = "";

    /// <summary>With <see cref="AdminTokenIssuer"/>: the <c>aud</c> the tokens must carry (for Entra v2.0 tokens the app's client id).</summary>
    public string AdminTokenAudience { get; set; } = "";

    /// <summary>With <see cref="AdminTokenIssuer"/>: the value the token's <c>roles</c> claim must hold (an Entra app role).</summary>
    public string AdminTokenRole { get; set; } = "";
}
