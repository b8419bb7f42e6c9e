using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Licensing.Client;
using Licensing.Tests.Support;

namespace Licensing.Tests.Client;

/// <summary>
/// The SDK and the server's public keys, on one clock: fetched once, fetched again for a document under a key id the
/// SDK does not know (a rotation) at most once a minute, and a signing-key rotation as an app sees it.
/// </summary>
public sealed class ServerKeysTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_document_under_an_unknown_key_id_fetches_the_keys_again_at_most_once_a_minute()
    {
        var document = await ActivatedDocumentAsync();
        var underUnknownKey = UnderKeyId(document, "a-key-the-server-never-had");
        using var network = new Network(server.Http.BaseAddress!);
        using var client = NewClient(server, network);
        await client.VerifyLicenseAsync(document);

        var fetchesAfterEachTry = new List<int>();
        async Task TryUnknownKeyAsync()
        {
            var failure = await Assert.ThrowsAsync<LicensingException>(() => client.VerifyLicenseAsync(underUnknownKey));
            Assert.Equal(LicensingErrorKind.VerificationFailed, failure.Kind);
            fetchesAfterEachTry.Add(network.KeyFetches);
        }

        await TryUnknownKeyAsync();
        server.Clock.Advance(TimeSpan.FromSeconds(59));
        await TryUnknownKeyAsync();
        server.Clock.Advance(TimeSpan.FromSeconds(1));
        await TryUnknownKeyAsync();
        await TryUnknownKeyAsync();
        server.Clock.Advance(TimeSpan.FromMinutes(1));
        await TryUnknownKeyAsync();
        await client.VerifyLicenseAsync(document);

        Assert.Equal([1, 1, 2, 2, 3], fetchesAfterEachTry);
        Assert.Equal(3, network.KeyFetches);
    }

    [Fact]
    public async Task Verifications_that_meet_an_unknown_key_id_at_once_share_one_fetch()
    {
        var document = await ActivatedDocumentAsync();
        var underUnknownKey = UnderKeyId(document, "a-key-the-server-never-had");
        using var network = new Network(server.Http.BaseAddress!);
        using var client = NewClient(server, network);
        await client.VerifyLicenseAsync(document);
        server.Clock.Advance(TimeSpan.FromMinutes(1));
        network.HoldKeyFetches();

        var verifications = Enumerable.Range(0, 8).Select(_ => client.VerifyLicenseAsync(underUnknownKey)).ToList();
        var fetchesWhileHeld = network.KeyFetches;
        network.ReleaseKeyFetches();
        var failures = new List<LicensingException>();
        foreach (var verification in verifications)
        {
            failures.Add(await Assert.ThrowsAsync<LicensingException>(() => verification));
        }

        Assert.Equal(2, fetchesWhileHeld);
        Assert.Equal(8, failures.Count);
        Assert.All(failures, f => Assert.Equal(LicensingErrorKind.VerificationFailed, f.Kind));
        Assert.Equal(2, network.KeyFetches);
    }

    [Fact]
    public async Task After_a_signing_key_rotation_the_app_verifies_its_old_document_and_the_one_validate_signs_with_the_new_key()
    {
        using var oldKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var newKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var clock = new TestClock();
        var tables = TestStorage.NewTablePrefix();
        await using var before = await ServerFixture.StartAsync(s =>
        {
            s["Licensing:SigningKey"] = oldKey.ExportPkcs8PrivateKeyPem();
            s["Licensing:TablePrefix"] = tables;
        }, clock: clock);
        var license = await before.CreateLicenseAsync(mode: 1, seats: 1);
        using var network = new Network(before.Http.BaseAddress!);
        using var client = NewClient(before, network);
        var app = new ClientIdentity(license.UserKey, "pc-1");
        var oldDocument = (await client.ActivateAsync(app)).License!.LicenseKey;
        var verifiedBefore = await client.VerifyLicenseAsync(oldDocument);

        await using var after = await ServerFixture.StartAsync(s =>
        {
            s["Licensing:SigningKey"] = newKey.ExportPkcs8PrivateKeyPem();
            s["Licensing:PreviousSigningKey"] = oldKey.ExportSubjectPublicKeyInfoPem();
            s["Licensing:TablePrefix"] = tables;
        }, clock: clock);
        network.Server = after.Http.BaseAddress!;
        clock.Advance(TimeSpan.FromMinutes(1));
        var validated = await client.ValidateAsync(app);
        var newDocument = validated.License!.LicenseKey;
        var verifiedAfter = await client.VerifyLicenseAsync(newDocument);
        var oldStillVerified = await client.VerifyLicenseAsync(oldDocument);

        Assert.True(validated.Success, validated.Message);
        Assert.Equal(LicenseVerifier.KeyIdOf(Encoding.ASCII.GetString(oldDocument)), verifiedBefore.KeyId);
        Assert.Equal(LicenseVerifier.KeyIdOf(Encoding.ASCII.GetString(newDocument)), verifiedAfter.KeyId);
        Assert.NotEqual(verifiedBefore.KeyId, verifiedAfter.KeyId);
        Assert.Equal(verifiedBefore.KeyId, oldStillVerified.KeyId);
        Assert.Equal(license.LicenseId, verifiedAfter.LicenseId);
        Assert.Equal(license.LicenseId, oldStillVerified.LicenseId);
        Assert.Equal(2, network.KeyFetches);
    }

    private async Task<byte[]> ActivatedDocumentAsync()
    {
        var license = await server.CreateLicenseAsync(mode: 1, seats: 1);
        using var network = new Network(server.Http.BaseAddress!);
        using var client = NewClient(server, network);
        var activated = await client.ActivateAsync(new ClientIdentity(license.UserKey, "pc-1"));
        Assert.True(activated.Success, activated.Message);
        return activated.License!.LicenseKey;
    }

    /// <summary>The document with another key id in its header: its payload and signature are the server's.</summary>
    private static byte[] UnderKeyId(byte[] document, string keyId)
    {
        var parts = Encoding.ASCII.GetString(document).Split('.');
        var header = Base64Url.EncodeToString(Encoding.UTF8.GetBytes($$"""{"alg":"ES256","kid":"{{keyId}}","typ":"JWT"}"""));
        return Encoding.ASCII.GetBytes(header + "." + parts[1] + "." + parts[2]);
    }

    /// <summary>An app's client: through <paramref name="network"/>, with a client key of <paramref name="keyFrom"/>, on its clock.</summary>
    private static LicensingClient NewClient(ServerFixture keyFrom, Network network) =>
        new(new HttpClient(network, disposeHandler: false),
            new LicensingClientOptions { BaseAddress = Network.AppAddress, ApiKey = keyFrom.ClientKey },
            keyFrom.Clock);

    /// <summary>
    /// The way from the app to the server: the app calls one address, served by <see cref="Server"/> (another server
    /// after a rotation). Counts the key fetches on the way, and can hold them until the test lets them through.
    /// </summary>
    private sealed class Network(Uri server) : DelegatingHandler(new HttpClientHandler())
    {
        public static readonly Uri AppAddress = new("http://licensing.test/");
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private volatile bool _holding;
        private int _keyFetches;

        public Uri Server { get; set; } = server;

        public int KeyFetches => Volatile.Read(ref _keyFetches);

        public void HoldKeyFetches() => _holding = true;

        public void ReleaseKeyFetches() => _released.TrySetResult();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.PathAndQuery.TrimStart('/');
            if (path == "v1/license/keys")
            {
                Interlocked.Increment(ref _keyFetches);
                if (_holding)
                {
                    await _released.Task.WaitAsync(cancellationToken);
                }
            }

            request.RequestUri = new Uri(Server, path);
            return await base.SendAsync(request, cancellationToken);
        }
    }
}
