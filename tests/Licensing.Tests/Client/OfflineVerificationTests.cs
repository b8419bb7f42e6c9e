using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Licensing.Client;
using Licensing.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Licensing.Tests.Client;

/// <summary>Signed license documents and tokens checked offline against the server's published keys, on the server's clock.</summary>
public sealed class OfflineVerificationTests(ServerFixture server) : IClassFixture<ServerFixture>, IDisposable
{
    private readonly string _cacheFile = Path.Combine(Path.GetTempPath(), "licensing-cache-" + Guid.NewGuid().ToString("N") + ".jws");

    public void Dispose() => File.Delete(_cacheFile);

    [Fact]
    public async Task A_genuine_document_verifies_and_carries_the_license_terms()
    {
        var (license, activated) = await ActivateAsync(new { features = (string[])["pro", "export"], productId = "editor", customerName = "Contoso" });
        using var client = NewClient();

        var verified = await client.VerifyLicenseAsync(activated.License!.LicenseKey);

        Assert.Equal(license.LicenseId, verified.LicenseId);
        Assert.Equal("editor", verified.ProductId);
        Assert.Equal(LicensingMode.Activation, verified.LicensingMode);
        Assert.Equal(3, verified.MaxClientCount);
        Assert.Equal(["pro", "export"], verified.Features);
        Assert.Equal("Contoso", verified.CustomerName);
        Assert.Equal((null, false), (verified.GraceEndsAt, verified.InGrace));
    }

    [Fact]
    public async Task A_document_of_a_license_with_grace_verifies_until_the_grace_ends_and_says_when_it_is_in_grace()
    {
        var expireAt = DateTimeOffset.FromUnixTimeSeconds(server.Clock.GetUtcNow().AddDays(2).ToUnixTimeSeconds());
        var graceEndsAt = expireAt.AddDays(7);
        var (_, activated) = await ActivateAsync(new { expireAt = expireAt.ToString("O"), gracePeriod = new { seconds = 7 * 86_400, nanos = 0 } });
        using var client = NewClient();
        var keys = await client.GetKeysAsync();
        var skew = TimeSpan.FromMinutes(5);
        VerifiedLicense VerifiedAt(DateTimeOffset at) => new LicenseVerifier(keys, skew, new FakeTimeProvider(at)).VerifyDocument(activated.License!.LicenseKey);

        var beforeExpiry = VerifiedAt(expireAt.AddDays(-1));
        var inGrace = VerifiedAt(expireAt.AddDays(3));
        var withinSkew = VerifiedAt(graceEndsAt.AddMinutes(4));
        var failure = Assert.Throws<LicensingException>(() => VerifiedAt(graceEndsAt.AddMinutes(6)));

        Assert.Equal((expireAt, graceEndsAt, false), (beforeExpiry.ExpireAt, beforeExpiry.GraceEndsAt, beforeExpiry.InGrace));
        Assert.Equal((expireAt, graceEndsAt, true), (inGrace.ExpireAt, inGrace.GraceEndsAt, inGrace.InGrace));
        Assert.False(withinSkew.InGrace);
        Assert.Equal(LicensingErrorKind.VerificationFailed, failure.Kind);
        Assert.Contains($"The license expired at {expireAt:u} and its grace ended at {graceEndsAt:u}.", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tampered_document_fails_verification()
    {
        var (_, activated) = await ActivateAsync();
        using var client = NewClient();
        var parts = Encoding.ASCII.GetString(activated.License!.LicenseKey).Split('.');
        var payload = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[1])).Replace("\"maxClientCount\":3", "\"maxClientCount\":300", StringComparison.Ordinal);
        var tampered = parts[0] + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload)) + "." + parts[2];

        var failure = await Assert.ThrowsAsync<LicensingException>(() => client.VerifyLicenseAsync(Encoding.ASCII.GetBytes(tampered)));

        Assert.Equal(LicensingErrorKind.VerificationFailed, failure.Kind);
        Assert.Contains("signature", failure.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_document_signed_by_another_key_fails_verification_even_under_the_servers_key_id()
    {
        var (_, activated) = await ActivateAsync();
        using var client = NewClient();
        var verifier = await client.GetVerifierAsync();
        var parts = Encoding.ASCII.GetString(activated.License!.LicenseKey).Split('.');
        using var forger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var forgedSignature = forger.SignData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        var forged = parts[0] + "." + parts[1] + "." + Base64Url.EncodeToString(forgedSignature);
        var unknownKeyHeader = Base64Url.EncodeToString("""{"alg":"ES256","kid":"someone-else","typ":"JWT"}"""u8);

        var sameKid = Assert.Throws<LicensingException>(() => verifier.VerifyDocument(Encoding.ASCII.GetBytes(forged)));
        var otherKid = Assert.Throws<LicensingException>(() => verifier.VerifyDocument(Encoding.ASCII.GetBytes(unknownKeyHeader + "." + parts[1] + "." + parts[2])));

        Assert.Equal(LicensingErrorKind.VerificationFailed, sameKid.Kind);
        Assert.Contains("not one of the server's published keys", otherKid.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_clock_skew_tolerance_is_honoured_on_both_ends_of_a_documents_life()
    {
        var expireAt = server.Clock.GetUtcNow().AddDays(2);
        var (_, activated) = await ActivateAsync(new { expireAt = expireAt.ToString("O") });
        using var client = NewClient();
        var keys = await client.GetKeysAsync();
        var document = activated.License!.LicenseKey;
        var issuedAt = (await client.VerifyLicenseAsync(document)).IssuedAt;
        var skew = TimeSpan.FromMinutes(5);

        bool VerifiesAt(DateTimeOffset at)
        {
            try
            {
                new LicenseVerifier(keys, skew, new FakeTimeProvider(at)).VerifyDocument(document);
                return true;
            }
            catch (LicensingException)
            {
                return false;
            }
        }

        Assert.True(VerifiesAt(expireAt + TimeSpan.FromMinutes(4)), "within the skew after expiry");
        Assert.False(VerifiesAt(expireAt + TimeSpan.FromMinutes(6)), "beyond the skew after expiry");
        Assert.True(VerifiesAt(issuedAt - TimeSpan.FromMinutes(4)), "a clock a little behind the server's");
        Assert.False(VerifiesAt(issuedAt - TimeSpan.FromMinutes(6)), "a document from the future beyond the skew");
    }

    [Fact]
    public async Task An_activation_token_verifies_offline_until_its_expiry()
    {
        var (license, activated) = await ActivateAsync();
        using var client = NewClient();
        var keys = await client.GetKeysAsync();
        var later = new FakeTimeProvider(server.Clock.GetUtcNow() + TimeSpan.FromDays(31));

        var token = new LicenseVerifier(keys, clock: server.Clock).VerifyToken(activated.LicenseToken!);
        var expired = Assert.Throws<LicensingException>(() => new LicenseVerifier(keys, clock: later).VerifyToken(activated.LicenseToken!));

        Assert.Equal(license.LicenseId, token.LicenseId);
        Assert.StartsWith("actk_", token.TokenId, StringComparison.Ordinal);
        Assert.Equal(activated.TokenExpireAt!.Value.ToUnixTimeSeconds(), token.ExpiresAt!.Value.ToUnixTimeSeconds());
        Assert.Contains("expired", expired.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_offline_cache_serves_the_last_document_for_the_grace_period_and_no_longer()
    {
        var (_, activated) = await ActivateAsync();
        using var client = NewClient();
        var keys = await client.GetKeysAsync();
        var verifier = new LicenseVerifier(keys, TimeSpan.FromMinutes(5), server.Clock);
        var cache = new OfflineLicenseCache(_cacheFile, server.Clock);
        cache.Save(activated.License!.LicenseKey);

        var fresh = cache.TryLoad(verifier, gracePeriod: TimeSpan.FromDays(7));
        server.Clock.Advance(TimeSpan.FromDays(8));
        var stale = cache.TryLoad(verifier, gracePeriod: TimeSpan.FromDays(7));

        Assert.NotNull(fresh);
        Assert.Equal(activated.License.LicenseId, fresh.LicenseId);
        Assert.Null(stale);
    }

    [Fact]
    public async Task An_edited_offline_cache_is_refused()
    {
        var (_, activated) = await ActivateAsync();
        using var client = NewClient();
        var verifier = new LicenseVerifier(await client.GetKeysAsync(), clock: server.Clock);
        var cache = new OfflineLicenseCache(_cacheFile, server.Clock);
        cache.Save(activated.License!.LicenseKey);
        var beforeTheEdit = cache.TryLoad(verifier, TimeSpan.FromDays(7));
        var text = await File.ReadAllTextAsync(_cacheFile);
        await File.WriteAllTextAsync(_cacheFile, text[..^3] + (text[^3] == 'A' ? "B" : "A") + text[^2..]);

        Assert.NotNull(beforeTheEdit);
        Assert.Null(cache.TryLoad(verifier, TimeSpan.FromDays(7)));
    }

    private async Task<(License License, ActivateLicenseResponse Activated)> ActivateAsync(object? extra = null)
    {
        var license = await server.CreateLicenseAsync(mode: 1, seats: 3, extra: extra);
        using var client = NewClient();
        var activated = await client.ActivateAsync(new ClientIdentity(license.UserKey, "offline-machine"));
        Assert.True(activated.Success, activated.Message);
        return (license, activated);
    }

    private LicensingClient NewClient() =>
        new(new HttpClient(), new LicensingClientOptions { BaseAddress = server.Http.BaseAddress, ApiKey = server.ClientKey }, server.Clock);
}
