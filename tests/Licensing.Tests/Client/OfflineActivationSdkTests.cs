using System.Security.Cryptography;
using System.Text;
using Licensing.Client;
using Licensing.Tests.Support;

namespace Licensing.Tests.Client;

/// <summary>
/// The SDK's OfflineActivation against the real server, server and SDK on one test clock: a request made offline,
/// answered by the server, imported with no network, works until its tokenExpireAt; its proof frees the seat. The
/// import refuses a changed byte, another machine's response, a response to an older request, an expired response
/// and a response signed by a key not in the JWKS.
/// </summary>
public sealed class OfflineActivationSdkTests(ServerFixture server) : IClassFixture<ServerFixture>, IDisposable
{
    private static readonly string[] Pro = ["pro"];
    private readonly string _cacheFile = Path.Combine(Path.GetTempPath(), $"offline-{Guid.NewGuid():N}.jws");

    public void Dispose()
    {
        foreach (var file in new[] { _cacheFile, _cacheFile + ".other" })
        {
            foreach (var suffix in new[] { "", ".offline-request", ".offline-activation" })
            {
                File.Delete(file + suffix);
            }
        }
    }

    [Fact]
    public async Task A_request_answered_by_the_server_imports_and_works_offline_until_its_token_expiry_and_its_proof_frees_the_seat()
    {
        var license = await server.CreateLicenseAsync(1, seats: 1, extra: new { features = Pro });
        var offline = await NewOfflineAsync("lab-pc");

        var request = offline.CreateRequest(license.UserKey, clientName: "Lab PC");
        var response = await AnswerAsync(request);
        var imported = offline.ImportResponse(response);
        server.Clock.Advance(TimeSpan.FromDays(29));
        var later = offline.TryLoad();
        server.Clock.Advance(TimeSpan.FromDays(1) + LicenseVerifier.DefaultClockSkew);
        var expired = offline.TryLoad();
        var proof = offline.Deactivate();
        var freed = (await server.CallAsync("v1/license/offline/deactivate", new { proof })).RootElement;

        Assert.Equal(license.LicenseId, imported.LicenseId);
        Assert.Equal("lab-pc", imported.MachineId);
        Assert.True(imported.HasEntitlement("pro"));
        Assert.Equal(license.LicenseId, imported.License.LicenseId);
        Assert.NotNull(later);
        Assert.True(later.HasEntitlement("pro"));
        Assert.Equal(imported.TokenExpireAt, later.TokenExpireAt);
        Assert.Null(expired);
        Assert.Null(offline.TryLoad());
        Assert.StartsWith("lsdea1.", proof, StringComparison.Ordinal);
        Assert.Equal($$"""{"success":true,"licenseId":"{{license.LicenseId}}","activeClientCount":0,"maxClientCount":1}""", freed.GetRawText());
    }

    [Fact]
    public async Task A_response_with_one_byte_changed_is_refused()
    {
        var license = await server.CreateLicenseAsync(1, seats: 1);
        var offline = await NewOfflineAsync("lab-pc");
        var response = await AnswerAsync(offline.CreateRequest(license.UserKey));
        var middle = response.Length / 2;
        var changed = response[..middle] + (response[middle] == 'A' ? 'B' : 'A') + response[(middle + 1)..];

        var refused = Assert.Throws<LicensingException>(() => offline.ImportResponse(changed));

        Assert.Equal(LicensingErrorKind.VerificationFailed, refused.Kind);
        Assert.Null(offline.TryLoad());
    }

    [Fact]
    public async Task Another_machines_response_is_refused()
    {
        var license = await server.CreateLicenseAsync(1, seats: 2);
        var offline = await NewOfflineAsync("lab-pc");
        offline.CreateRequest(license.UserKey);
        var other = await NewOfflineAsync("ship-pc", _cacheFile + ".other");
        var foreign = await AnswerAsync(other.CreateRequest(license.UserKey));

        var refused = Assert.Throws<LicensingException>(() => offline.ImportResponse(foreign));

        Assert.Equal("This response activates another machine ('ship-pc'), not this one.", refused.Message);
    }

    [Fact]
    public async Task A_response_to_an_older_request_or_one_imported_already_is_refused()
    {
        var license = await server.CreateLicenseAsync(1, seats: 1);
        var offline = await NewOfflineAsync("lab-pc");
        var older = await AnswerAsync(offline.CreateRequest(license.UserKey));
        var newer = await AnswerAsync(offline.CreateRequest(license.UserKey));

        var refusedOlder = Assert.Throws<LicensingException>(() => offline.ImportResponse(older));
        offline.ImportResponse(newer);
        var refusedAgain = Assert.Throws<LicensingException>(() => offline.ImportResponse(newer));

        const string Message = "This response answers another request than the one this machine is waiting for (an older request, or one already imported).";
        Assert.Equal(Message, refusedOlder.Message);
        Assert.Equal(Message, refusedAgain.Message);
    }

    [Fact]
    public async Task An_expired_response_is_refused()
    {
        var license = await server.CreateLicenseAsync(1, seats: 1);
        var offline = await NewOfflineAsync("lab-pc");
        var response = await AnswerAsync(offline.CreateRequest(license.UserKey));
        var expireAt = server.Clock.GetUtcNow() + TimeSpan.FromDays(30);
        server.Clock.Advance(TimeSpan.FromDays(30) + LicenseVerifier.DefaultClockSkew);

        var refused = Assert.Throws<LicensingException>(() => offline.ImportResponse(response));

        Assert.Equal($"This offline activation expired at {expireAt:u}: make a new request.", refused.Message);
    }

    [Fact]
    public async Task A_response_signed_by_a_key_not_in_the_jwks_is_refused()
    {
        var license = await server.CreateLicenseAsync(1, seats: 1);
        var kid = "someone-elses-key";
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var point = otherKey.ExportParameters(false).Q;
        var jwks = $$"""{"keys":[{"kty":"EC","crv":"P-256","kid":"{{kid}}","x":"{{B64(point.X!)}}","y":"{{B64(point.Y!)}}","alg":"ES256","use":"sig"}]}""";
        var offline = new OfflineActivation(new OfflineLicenseCache(_cacheFile, server.Clock), LicenseVerifier.FromJwks(jwks, clock: server.Clock), "lab-pc", server.Clock);
        var response = await AnswerAsync(offline.CreateRequest(license.UserKey));

        var refused = Assert.Throws<LicensingException>(() => offline.ImportResponse(response));

        Assert.StartsWith("Signed with key '", refused.Message, StringComparison.Ordinal);
        Assert.EndsWith("', which is not one of the server's published keys.", refused.Message, StringComparison.Ordinal);
    }

    private async Task<OfflineActivation> NewOfflineAsync(string machineId, string? cacheFile = null)
    {
        using var client = new LicensingClient(new HttpClient(), new LicensingClientOptions { BaseAddress = server.Http.BaseAddress, ApiKey = server.ClientKey }, server.Clock);
        var jwks = (await client.GetKeysAsync()).ToJson();
        return new OfflineActivation(new OfflineLicenseCache(cacheFile ?? _cacheFile, server.Clock), LicenseVerifier.FromJwks(jwks, clock: server.Clock), machineId, server.Clock);
    }

    /// <summary>The connected device's part: the request carried to the server, the response carried back.</summary>
    private async Task<string> AnswerAsync(string request)
    {
        var answer = (await server.CallAsync("v1/license/offline/activate", new { request })).RootElement;
        Assert.True(answer.GetProperty("success").GetBoolean(), answer.GetRawText());
        return answer.GetProperty("response").GetString()!;
    }

    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
