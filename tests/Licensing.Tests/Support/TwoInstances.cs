using System.Security.Cryptography;

namespace Licensing.Tests.Support;

/// <summary>
/// Two server instances as a scaled-out app runs them: the same tables, the same signing key, the same clock (A's),
/// each with its own caches. One pair per test class.
/// </summary>
public sealed class TwoInstances : IAsyncLifetime
{
    /// <summary>The license cache's TTL both instances run with (the default).</summary>
    public static readonly TimeSpan LicenseCacheTtl = TimeSpan.FromSeconds(5);

    public ServerFixture A { get; private set; } = null!;

    public ServerFixture B { get; private set; } = null!;

    public TestClock Clock => A.Clock;

    public async Task InitializeAsync()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signingKey = key.ExportPkcs8PrivateKeyPem();
        A = await ServerFixture.StartAsync(s =>
        {
            s["Licensing:SigningKey"] = signingKey;
            s["Licensing:LicenseCacheTtl"] = LicenseCacheTtl.ToString();
        });
        B = await ServerFixture.StartAsync(
            s =>
            {
                s["Licensing:SigningKey"] = signingKey;
                s["Licensing:LicenseCacheTtl"] = LicenseCacheTtl.ToString();
                s["Licensing:TablePrefix"] = A.TablePrefix;
            },
            clock: A.Clock);
    }

    public async Task DisposeAsync()
    {
        await B.DisposeAsync();
        await A.DisposeAsync();
    }
}
