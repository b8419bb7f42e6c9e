using System.Buffers.Text;
using System.Text;
using Licensing.Client;
using Licensing.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Licensing.Tests.Client;

/// <summary>The SDK reads a license's entitlements offline, from a verified document or token, each on its own expiry.</summary>
public sealed class EntitlementOfflineTests(ServerFixture server) : IClassFixture<ServerFixture>, IDisposable
{
    private readonly string _cacheFile = Path.Combine(Path.GetTempPath(), "licensing-entitlements-" + Guid.NewGuid().ToString("N") + ".jws");

    public void Dispose() => File.Delete(_cacheFile);

    [Fact]
    public async Task A_verified_document_and_token_answer_codes_and_typed_values()
    {
        var activated = await ActivateAsync(server.Clock.GetUtcNow().AddDays(30));
        var verifier = new LicenseVerifier(await KeysAsync(), clock: server.Clock);

        var document = verifier.VerifyDocument(activated.License!.LicenseKey);
        var token = verifier.VerifyToken(activated.LicenseToken!);

        foreach (var terms in new EntitledTerms[] { document, token, activated.License })
        {
            Assert.Equal(["pro", "max-projects", "tier", "trial-extras"], terms.Entitlements.Select(e => e.Code));
            Assert.True(terms.HasEntitlement("pro"));
            Assert.False(terms.HasEntitlement("enterprise"));
            Assert.True(terms.TryGetEntitlementValue<int>("max-projects", out var projects));
            Assert.Equal(20, projects);
            Assert.True(terms.TryGetEntitlementValue<string>("tier", out var tier));
            Assert.Equal("gold", tier);
            Assert.False(terms.TryGetEntitlementValue<bool>("tier", out _));
            Assert.False(terms.TryGetEntitlementValue<int>("pro", out _));
        }
    }

    [Fact]
    public async Task An_entitlement_ends_at_its_expiry_within_the_verifiers_clock_tolerance()
    {
        var extrasEnd = DateTimeOffset.FromUnixTimeSeconds(server.Clock.GetUtcNow().AddDays(3).ToUnixTimeSeconds());
        var activated = await ActivateAsync(extrasEnd);
        var keys = await KeysAsync();
        var clock = new FakeTimeProvider(extrasEnd + TimeSpan.FromMinutes(4));
        var verifier = new LicenseVerifier(keys, TimeSpan.FromMinutes(5), clock);

        var withinSkew = verifier.VerifyDocument(activated.License!.LicenseKey);
        var heldWithin = withinSkew.HasEntitlement("trial-extras");
        clock.Advance(TimeSpan.FromMinutes(2));
        var heldAfter = withinSkew.HasEntitlement("trial-extras");
        var verifiedAfter = verifier.VerifyDocument(activated.License.LicenseKey);

        Assert.True(heldWithin, "four minutes past its expiry, within a five-minute tolerance");
        Assert.False(heldAfter, "six minutes past its expiry, on the same verified document");
        Assert.Equal(["pro", "max-projects", "tier"], verifiedAfter.Entitlements.Select(e => e.Code));
        Assert.True(verifiedAfter.HasEntitlement("pro"));
    }

    [Fact]
    public async Task A_license_and_an_entitlement_without_end_verify_offline_within_the_clock_tolerance()
    {
        var lastSecond = DateTimeOffset.FromUnixTimeSeconds(253_402_300_799L);
        var license = await server.CreateLicenseAsync(mode: 1, seats: 1, extra: new
        {
            expireAt = new { seconds = lastSecond.ToUnixTimeSeconds(), nanos = 0 },
            gracePeriod = new { seconds = 30 * 86_400, nanos = 0 },
            entitlements = new object[] { new { code = "forever", expireAt = lastSecond.ToString("O") } },
        });
        using var client = NewClient();
        var activated = await client.ActivateAsync(new ClientIdentity(license.UserKey, "forever-machine"));
        var verifier = new LicenseVerifier(await KeysAsync(), clock: server.Clock);

        var document = verifier.VerifyDocument(activated.License!.LicenseKey);
        var token = verifier.VerifyToken(activated.LicenseToken!);

        Assert.True(activated.Success, activated.Message);
        Assert.Equal(lastSecond, document.ExpireAt);
        Assert.True(document.HasEntitlement("forever"));
        Assert.True(token.HasEntitlement("forever"));
    }

    [Fact]
    public async Task The_offline_cache_keeps_the_entitlements()
    {
        var activated = await ActivateAsync(server.Clock.GetUtcNow().AddDays(30));
        var verifier = new LicenseVerifier(await KeysAsync(), clock: server.Clock);
        var cache = new OfflineLicenseCache(_cacheFile, server.Clock);
        cache.Save(activated.License!.LicenseKey);

        var loaded = cache.TryLoad(verifier, TimeSpan.FromDays(7));

        Assert.NotNull(loaded);
        Assert.True(loaded.TryGetEntitlementValue<int>("max-projects", out var projects));
        Assert.Equal(20, projects);
    }

    [Fact]
    public async Task A_document_whose_entitlements_were_edited_is_refused()
    {
        var activated = await ActivateAsync(server.Clock.GetUtcNow().AddDays(30));
        var verifier = new LicenseVerifier(await KeysAsync(), clock: server.Clock);
        var parts = Encoding.ASCII.GetString(activated.License!.LicenseKey).Split('.');
        var payload = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[1]));
        var edited = payload.Replace("\"value\":20", "\"value\":2000", StringComparison.Ordinal);
        var forged = parts[0] + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(edited)) + "." + parts[2];

        var failure = Assert.Throws<LicensingException>(() => verifier.VerifyDocument(Encoding.ASCII.GetBytes(forged)));

        Assert.NotEqual(payload, edited);
        Assert.Equal(LicensingErrorKind.VerificationFailed, failure.Kind);
        Assert.Contains("signature", failure.Message, StringComparison.OrdinalIgnoreCase);
    }

    private async Task<ActivateLicenseResponse> ActivateAsync(DateTimeOffset extrasEnd)
    {
        var license = await server.CreateLicenseAsync(mode: 1, seats: 1, extra: new
        {
            entitlements = new object[]
            {
                new { code = "pro" },
                new { code = "max-projects", value = 20 },
                new { code = "tier", value = "gold" },
                new { code = "trial-extras", expireAt = extrasEnd.ToString("O") },
            },
        });
        using var client = NewClient();
        var activated = await client.ActivateAsync(new ClientIdentity(license.UserKey, "entitled-machine"));
        Assert.True(activated.Success, activated.Message);
        return activated;
    }

    private async Task<JsonWebKeySet> KeysAsync()
    {
        using var client = NewClient();
        return await client.GetKeysAsync();
    }

    private LicensingClient NewClient() =>
        new(new HttpClient(), new LicensingClientOptions { BaseAddress = server.Http.BaseAddress, ApiKey = server.ClientKey }, server.Clock);
}
