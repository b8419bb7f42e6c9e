using System.Security.Cryptography;
using Licensing.LocalHost;

namespace Licensing.Tests.Support;

public static class TestStorage
{
    /// <summary>scripts/test.sh starts an Azurite of its own and names it here; else the default local Azurite.</summary>
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("LICENSING_TEST_STORAGE") is { Length: > 0 } value ? value : "UseDevelopmentStorage=true";

    /// <summary>A table prefix no other host of this run uses, so hosts with different clocks never share rows.</summary>
    public static string NewTablePrefix() => "t" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>
    /// Settings that start a test server: a free port, no background timers, a fresh signing key, its own tables.
    /// </summary>
    public static Dictionary<string, string?> ServerSettings(string adminKey, string? connectionString = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new Dictionary<string, string?>
        {
            ["PORT"] = "0",
            [LocalFunctionsHost.RunTimersSetting] = "false",
            ["Licensing:AdminApiKey"] = adminKey,
            ["Licensing:SigningKey"] = key.ExportPkcs8PrivateKeyPem(),
            ["Licensing:SigningKeyFile"] = "",
            ["Licensing:StorageConnectionString"] = connectionString ?? ConnectionString,
            ["Licensing:TablePrefix"] = NewTablePrefix(),
            // Every test call comes from one address and a test clock refills no bucket until a test moves it, so a
            // limit here is a whole test class's budget; the limits' own tests set theirs (RateLimitTests).
            ["Licensing:RateLimitPerKey"] = "100000",
            ["Licensing:RateLimitPerAddress"] = "100000",
            ["Licensing:FailedKeyLimitPerAddress"] = "100000",
        };
    }
}
