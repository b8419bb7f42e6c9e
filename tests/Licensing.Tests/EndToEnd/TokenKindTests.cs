using System.Buffers.Text;
using System.Net;
using System.Text;
using System.Text.Json;
using Licensing.Client;
using Licensing.Tests.Support;

namespace Licensing.Tests.EndToEnd;

/// <summary>
/// Every signed payload says what it is (its header's typ and a kind claim), and every verifier takes only the kind it
/// expects: a license document is no seat token, on the server or in the SDK.
/// </summary>
public sealed class TokenKindTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_license_document_sent_as_a_license_token_is_an_invalid_token_on_heartbeat_release_and_revoke_never_a_500()
    {
        var license = await server.CreateLicenseAsync(mode: 2, seats: 2);
        var granted = (await server.CallAsync("v1/license/request", new { license.UserKey, machineId = "m1" })).RootElement;
        var document = DocumentOf(granted);

        var beat = (await server.CallAsync("v1/license/heartbeat", new { licenseToken = document, machineId = "m1" })).RootElement;
        using var release = await server.SendAsync(HttpMethod.Post, "v1/license/release", new { licenseToken = document, machineId = "m1" }, server.ClientKey);
        using var revoke = await server.SendAsync(
            HttpMethod.Post, $"v1/admin/licenses/{license.LicenseId}/tokens/revoke", new { licenseToken = document }, ServerFixture.AdminKey);

        Assert.False(beat.GetProperty("active").GetBoolean());
        Assert.Equal("invalid_token", beat.GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.NotFound, release.StatusCode);
        Assert.Equal("invalid_token", (await ServerFixture.ReadJsonAsync(release)).RootElement.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.NotFound, revoke.StatusCode);
        Assert.Equal("invalid_token", (await ServerFixture.ReadJsonAsync(revoke)).RootElement.GetProperty("code").GetString());
        Assert.Equal(1, (await server.StoredLicenseRowAsync(license.LicenseId))!.GetInt32("LiveSeats"));
    }

    [Fact]
    public async Task Each_signed_payload_names_its_kind_in_its_header_and_its_claims()
    {
        var floating = await server.CreateLicenseAsync(mode: 2, seats: 1);
        var activation = await server.CreateLicenseAsync(mode: 1, seats: 1);
        var lease = (await server.CallAsync("v1/license/request", new { floating.UserKey, machineId = "m1" })).RootElement;
        var activated = (await server.CallAsync("v1/license/activate", new { activation.UserKey, machineId = "m1" })).RootElement;

        Assert.Equal(("lease+jwt", "lease"), Kind(lease.GetProperty("licenseToken").GetString()!, "kind"));
        Assert.Equal(("activation+jwt", "activation"), Kind(activated.GetProperty("licenseToken").GetString()!, "kind"));
        Assert.Equal(("license+jwt", "license"), Kind(DocumentOf(lease), "kind"));
    }

    [Fact]
    public async Task The_sdk_refuses_a_document_as_a_token_and_a_token_as_a_document()
    {
        var license = await server.CreateLicenseAsync(mode: 2, seats: 1);
        var granted = (await server.CallAsync("v1/license/request", new { license.UserKey, machineId = "m1" })).RootElement;
        using var client = new LicensingClient(new HttpClient(), new LicensingClientOptions { BaseAddress = server.Http.BaseAddress, ApiKey = server.ClientKey }, server.Clock);
        var verifier = await client.GetVerifierAsync();
        var token = granted.GetProperty("licenseToken").GetString()!;

        var documentAsToken = Assert.Throws<LicensingException>(() => verifier.VerifyToken(DocumentOf(granted)));
        var tokenAsDocument = Assert.Throws<LicensingException>(() => verifier.VerifyDocument(Encoding.ASCII.GetBytes(token)));

        Assert.Equal(LicensingErrorKind.VerificationFailed, documentAsToken.Kind);
        Assert.Equal("Signed as 'license+jwt' where 'lease+jwt' or 'activation+jwt' is expected.", documentAsToken.Message);
        Assert.Equal(LicensingErrorKind.VerificationFailed, tokenAsDocument.Kind);
        Assert.Equal("Signed as 'lease+jwt' where 'license+jwt' is expected.", tokenAsDocument.Message);
        Assert.Equal(license.LicenseId, verifier.VerifyToken(token).LicenseId);
        Assert.Equal(license.LicenseId, verifier.VerifyDocument(Encoding.ASCII.GetBytes(DocumentOf(granted))).LicenseId);
    }

    private static string DocumentOf(JsonElement answer) =>
        Encoding.ASCII.GetString(answer.GetProperty("license").GetProperty("licenseKey").EnumerateArray().Select(b => (byte)b.GetInt32()).ToArray());

    private static (string? Typ, string? Kind) Kind(string compactJws, string claim)
    {
        var parts = compactJws.Split('.');
        using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));
        using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
        return (header.RootElement.GetProperty("typ").GetString(), payload.RootElement.GetProperty(claim).GetString());
    }
}
