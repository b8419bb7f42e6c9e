using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Licensing.Tests.Support;

namespace Licensing.Tests.EndToEnd;

/// <summary>
/// CONTRACT.md's wire format as a client app sees it: routes, content types, the reference's property names,
/// timestamps, and the signed license document and token, verified offline against the published JWKS.
/// </summary>
public sealed class WireFormatTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const int File = 0;
    private const int Activation = 1;
    private const int Floating = 2;

    // ---- routes and content types ----

    [Theory]
    [InlineData("activate")]
    [InlineData("deactivate")]
    [InlineData("request")]
    [InlineData("release")]
    [InlineData("heartbeat")]
    [InlineData("validate")]
    [InlineData("info")]
    public async Task Each_client_route_lives_at_v1_license_without_an_api_prefix(string name)
    {
        using var direct = await server.PostAsync($"v1/license/{name}", new { });
        using var prefixed = await server.PostAsync($"api/v1/license/{name}", new { });

        var problem = (await ServerFixture.ReadJsonAsync(direct)).RootElement;
        Assert.Equal(HttpStatusCode.BadRequest, direct.StatusCode);
        Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.NotFound, prefixed.StatusCode);
    }

    [Fact]
    public async Task Every_successful_response_is_json_in_utf8()
    {
        var floating = await server.CreateLicenseAsync(Floating, seats: 2);
        var activation = await server.CreateLicenseAsync(Activation, seats: 2);
        var granted = (await server.CallAsync("v1/license/request", new { floating.UserKey, machineId = "m1" })).RootElement;
        var token = granted.GetProperty("licenseToken").GetString()!;

        var calls = new (HttpMethod Method, string Route, object? Body, string? Key)[]
        {
            (HttpMethod.Post, "v1/license/activate", new { activation.UserKey, machineId = "m1" }, server.ClientKey),
            (HttpMethod.Post, "v1/license/validate", new { activation.UserKey, machineId = "m1" }, server.ClientKey),
            (HttpMethod.Post, "v1/license/deactivate", new { activation.UserKey, machineId = "m1" }, server.ClientKey),
            (HttpMethod.Post, "v1/license/request", new { floating.UserKey, machineId = "m2" }, server.ClientKey),
            (HttpMethod.Post, "v1/license/heartbeat", new { licenseToken = token, machineId = "m1" }, server.ClientKey),
            (HttpMethod.Post, "v1/license/info", new { floating.UserKey, machineId = "m1" }, server.ClientKey),
            (HttpMethod.Post, "v1/license/release", new { licenseToken = token, machineId = "m1" }, server.ClientKey),
            (HttpMethod.Get, "v1/license/keys", null, null),
            (HttpMethod.Post, "v1/admin/licenses", new { licensingMode = File, maxClientCount = 1 }, ServerFixture.AdminKey),
            (HttpMethod.Get, "v1/admin/licenses?pageSize=1", null, ServerFixture.AdminKey),
            (HttpMethod.Get, $"v1/admin/licenses/{floating.LicenseId}", null, ServerFixture.AdminKey),
            (HttpMethod.Get, "v1/admin/api-keys", null, ServerFixture.AdminKey),
        };

        foreach (var (method, route, body, key) in calls)
        {
            using var response = await server.SendAsync(method, route, body, key);
            Assert.True(response.IsSuccessStatusCode, $"{method} {route} answered {(int)response.StatusCode}");
            var contentType = response.Content.Headers.ContentType;
            Assert.NotNull(contentType);
            Assert.True(contentType.MediaType == "application/json", $"{route}: {contentType}");
            Assert.True(string.Equals(contentType.CharSet, "utf-8", StringComparison.OrdinalIgnoreCase), $"{route}: {contentType}");
            using var json = await ServerFixture.ReadJsonAsync(response);
            Assert.Equal(JsonValueKind.Object, json.RootElement.ValueKind);
        }
    }

    [Fact]
    public async Task The_public_keys_need_no_credentials_and_are_a_p256_jwks()
    {
        using var anonymous = await server.SendAsync(HttpMethod.Get, "v1/license/keys", null, apiKey: null);
        using var withBadKey = await server.SendAsync(HttpMethod.Get, "v1/license/keys", null, apiKey: "wrong");

        Assert.Equal(HttpStatusCode.OK, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withBadKey.StatusCode);
        var keys = (await ServerFixture.ReadJsonAsync(anonymous)).RootElement.GetProperty("keys");
        var jwk = Assert.Single(keys.EnumerateArray());
        Assert.Equal("EC", jwk.GetProperty("kty").GetString());
        Assert.Equal("P-256", jwk.GetProperty("crv").GetString());
        Assert.Equal(32, Base64Url.DecodeFromChars(jwk.GetProperty("x").GetString()).Length);
        Assert.Equal(32, Base64Url.DecodeFromChars(jwk.GetProperty("y").GetString()).Length);
        Assert.False(string.IsNullOrEmpty(jwk.GetProperty("kid").GetString()));
        Assert.False(jwk.TryGetProperty("d", out _), "the JWKS must not publish the private key");
    }

    // ---- property names, timestamps, nulls ----

    [Fact]
    public async Task Every_client_response_carries_the_reference_property_names()
    {
        var floating = await server.CreateLicenseAsync(Floating, seats: 2);
        var activation = await server.CreateLicenseAsync(Activation, seats: 2);

        var activated = (await server.CallAsync("v1/license/activate", new { activation.UserKey, machineId = "m1" })).RootElement;
        var validated = (await server.CallAsync("v1/license/validate", new { activation.UserKey, machineId = "m1" })).RootElement;
        var deactivated = (await server.CallAsync("v1/license/deactivate", new { activation.UserKey, machineId = "m1" })).RootElement;
        var granted = (await server.CallAsync("v1/license/request", new { floating.UserKey, machineId = "m1" })).RootElement;
        var token = granted.GetProperty("licenseToken").GetString()!;
        var beat = (await server.CallAsync("v1/license/heartbeat", new { licenseToken = token, machineId = "m1" })).RootElement;
        var info = (await server.CallAsync("v1/license/info", new { floating.UserKey, machineId = "m1" })).RootElement;
        var released = (await server.CallAsync("v1/license/release", new { licenseToken = token, machineId = "m1" })).RootElement;

        string[] licenseBlock = ["licenseId", "licensingMode", "expireAt", "supportExpireAt", "licenseKey"];
        AssertHas(activated, "success", "licenseToken", "tokenExpireAt", "activeClientCount", "maxClientCount", "license");
        AssertHas(activated.GetProperty("license"), licenseBlock);
        AssertHas(validated, "success", "licenseToken", "tokenExpireAt", "activeClientCount", "maxClientCount", "license");
        AssertHas(validated.GetProperty("license"), licenseBlock);
        AssertHas(deactivated, "licenseId", "activeClientCount", "maxClientCount");
        AssertHas(granted, "granted", "licenseToken", "tokenExpireAt", "heartbeatInterval", "activeClientCount", "maxClientCount", "license");
        AssertHas(granted.GetProperty("license"), licenseBlock);
        AssertHas(beat, "active", "activeClientCount", "maxClientCount", "tokenExpireAt", "heartbeatInterval");
        AssertHas(released, "licenseId", "activeClientCount", "maxClientCount");
        AssertHas(info, "licenseTokens", "licenseId", "maxClientCount", "activeClientCount", "licensingMode", "revoked", "issuedAt", "expireAt", "supportExpireAt");
        AssertHas(info.GetProperty("licenseTokens")[0],
            "token", "licenseId", "revoked", "clientId", "clientAddr", "clientName", "machineId", "issuedAt", "expireAt", "lastHearbeat");
    }

    [Fact]
    public async Task Info_tokens_carry_last_hearbeat_as_the_reference_spells_it_and_never_last_heartbeat()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 2);
        var granted = (await server.CallAsync("v1/license/request", new { license.UserKey, machineId = "m1" })).RootElement;
        server.Clock.Advance(TimeSpan.FromSeconds(20));
        await server.CallAsync("v1/license/heartbeat", new { licenseToken = granted.GetProperty("licenseToken").GetString(), machineId = "m1" });

        var info = (await server.CallAsync("v1/license/info", new { license.UserKey, machineId = "m1" })).RootElement;
        var admin = (await server.SendForJsonAsync(HttpMethod.Get, $"v1/admin/licenses/{license.LicenseId}", null, ServerFixture.AdminKey)).RootElement;

        Assert.Equal(1, info.GetProperty("licenseTokens").GetArrayLength());
        Assert.Equal(1, admin.GetProperty("licenseTokens").GetArrayLength());
        foreach (var token in info.GetProperty("licenseTokens").EnumerateArray().Concat(admin.GetProperty("licenseTokens").EnumerateArray()))
        {
            AssertTimestamp(token.GetProperty("lastHearbeat"));
            Assert.Equal(server.Clock.GetUtcNow().ToUnixTimeSeconds(), token.GetProperty("lastHearbeat").GetProperty("seconds").GetInt64(), tolerance: 1);
            Assert.False(token.TryGetProperty("lastHeartbeat", out _), token.GetRawText());
        }

        Assert.DoesNotContain("lastHeartbeat", info.GetRawText(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Timestamps_and_durations_are_seconds_and_nanos_objects()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 1, heartbeatSeconds: 30,
            extra: new { expireAt = new { seconds = server.Clock.GetUtcNow().AddDays(10).ToUnixTimeSeconds(), nanos = 500_000_000 } });
        server.Clock.Advance(TimeSpan.FromMilliseconds(123.4567));

        var granted = (await server.CallAsync("v1/license/request", new { license.UserKey, machineId = "m1" })).RootElement;
        var info = (await server.CallAsync("v1/license/info", new { license.UserKey, machineId = "m1" })).RootElement;
        var admin = (await server.SendForJsonAsync(HttpMethod.Get, $"v1/admin/licenses/{license.LicenseId}", null, ServerFixture.AdminKey)).RootElement;

        var now = server.Clock.GetUtcNow().ToUnixTimeSeconds();
        Assert.Equal(now + 60, AssertTimestamp(granted.GetProperty("tokenExpireAt")), tolerance: 1);
        Assert.Equal(30, AssertTimestamp(granted.GetProperty("heartbeatInterval")));
        Assert.Equal(0, granted.GetProperty("heartbeatInterval").GetProperty("nanos").GetInt32());
        AssertTimestamp(granted.GetProperty("license").GetProperty("expireAt"));
        Assert.Equal(500_000_000, granted.GetProperty("license").GetProperty("expireAt").GetProperty("nanos").GetInt32());
        Assert.Equal(now, AssertTimestamp(info.GetProperty("issuedAt")), tolerance: 1);
        AssertTimestamp(info.GetProperty("expireAt"));
        var seat = info.GetProperty("licenseTokens")[0];
        Assert.Equal(now, AssertTimestamp(seat.GetProperty("issuedAt")), tolerance: 1);
        Assert.Equal(now + 60, AssertTimestamp(seat.GetProperty("expireAt")), tolerance: 1);
        AssertTimestamp(seat.GetProperty("lastHearbeat"));
        AssertTimestamp(admin.GetProperty("issuedAt"));
        AssertTimestamp(admin.GetProperty("expireAt"));
        Assert.Equal(30, AssertTimestamp(admin.GetProperty("heartbeatInterval")));
    }

    [Fact]
    public async Task A_perpetual_license_answers_null_for_its_expiry_dates()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 1);

        var granted = (await server.CallAsync("v1/license/request", new { license.UserKey, machineId = "m1" })).RootElement;
        var info = (await server.CallAsync("v1/license/info", new { license.UserKey, machineId = "m1" })).RootElement;
        var admin = (await server.SendForJsonAsync(HttpMethod.Get, $"v1/admin/licenses/{license.LicenseId}", null, ServerFixture.AdminKey)).RootElement;

        foreach (var view in new[] { granted.GetProperty("license"), info, admin })
        {
            Assert.Equal(JsonValueKind.Null, view.GetProperty("expireAt").ValueKind);
            Assert.Equal(JsonValueKind.Null, view.GetProperty("supportExpireAt").ValueKind);
        }

        AssertTimestamp(granted.GetProperty("tokenExpireAt"));
    }

    // ---- the signed license document and token ----

    [Fact]
    public async Task License_key_is_an_array_of_byte_values_holding_a_compact_jws()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 1);

        var activated = (await server.CallAsync("v1/license/activate", new { license.UserKey, machineId = "m1" })).RootElement;

        var licenseKey = activated.GetProperty("license").GetProperty("licenseKey");
        Assert.Equal(JsonValueKind.Array, licenseKey.ValueKind);
        Assert.All(licenseKey.EnumerateArray(), b =>
        {
            Assert.Equal(JsonValueKind.Number, b.ValueKind);
            Assert.True(b.TryGetInt32(out var value) && value is >= 0 and <= 255, b.GetRawText());
        });
        var text = Encoding.ASCII.GetString(LicenseKeyBytes(activated));
        Assert.Matches("^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$", text);
    }

    [Fact]
    public async Task The_license_document_verifies_offline_against_the_published_key_and_holds_the_license_terms()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 7,
            extra: new { productId = "wire-pro", features = new List<string> { "export", "sso" } });
        using var jwk = await PublicKeyAsync();

        var granted = (await server.CallAsync("v1/license/request", new { license.UserKey, machineId = "m1" })).RootElement;
        var document = Encoding.ASCII.GetString(LicenseKeyBytes(granted));

        Assert.True(Verifies(jwk.Key, document), "the license document's signature does not verify with the JWKS key");
        var header = JwsPart(document, 0);
        Assert.Equal("ES256", header.GetProperty("alg").GetString());
        Assert.Equal(jwk.Kid, header.GetProperty("kid").GetString());
        var payload = JwsPart(document, 1);
        Assert.Equal(license.LicenseId, payload.GetProperty("licenseId").GetString());
        Assert.Equal(Floating, payload.GetProperty("licensingMode").GetInt32());
        Assert.Equal(7, payload.GetProperty("maxClientCount").GetInt32());
        Assert.Equal(["export", "sso"], payload.GetProperty("features").EnumerateArray().Select(f => f.GetString()!).ToArray());
        Assert.Equal("wire-pro", payload.GetProperty("productId").GetString());
    }

    [Fact]
    public async Task A_license_document_with_one_byte_changed_fails_verification()
    {
        var license = await server.CreateLicenseAsync(File, seats: 1);
        using var jwk = await PublicKeyAsync();
        var validated = (await server.CallAsync("v1/license/validate", new { license.UserKey, machineId = "m1" })).RootElement;
        var bytes = LicenseKeyBytes(validated);
        Assert.True(Verifies(jwk.Key, Encoding.ASCII.GetString(bytes)));

        var firstDot = Array.IndexOf(bytes, (byte)'.');
        var secondDot = Array.IndexOf(bytes, (byte)'.', firstDot + 1);
        foreach (var index in new[] { 0, firstDot + 1, (firstDot + secondDot) / 2, secondDot - 1, secondDot + 1, bytes.Length - 2 })
        {
            var changed = (byte[])bytes.Clone();
            changed[index] = changed[index] == (byte)'A' ? (byte)'B' : (byte)'A';
            Assert.False(Verifies(jwk.Key, Encoding.ASCII.GetString(changed)), $"a document changed at byte {index} still verifies");
        }
    }

    [Fact]
    public async Task The_license_token_verifies_offline_the_same_way()
    {
        var floating = await server.CreateLicenseAsync(Floating, seats: 1);
        var activation = await server.CreateLicenseAsync(Activation, seats: 1);
        using var jwk = await PublicKeyAsync();

        var lease = (await server.CallAsync("v1/license/request", new { floating.UserKey, machineId = "m1" })).RootElement.GetProperty("licenseToken").GetString()!;
        var activated = (await server.CallAsync("v1/license/activate", new { activation.UserKey, machineId = "m1" })).RootElement.GetProperty("licenseToken").GetString()!;

        foreach (var token in new[] { lease, activated })
        {
            Assert.True(Verifies(jwk.Key, token), "the license token's signature does not verify with the JWKS key");
            Assert.Equal(jwk.Kid, JwsPart(token, 0).GetProperty("kid").GetString());
            Assert.Equal("ES256", JwsPart(token, 0).GetProperty("alg").GetString());
            var tampered = token[..^3] + (token[^3] == 'A' ? 'B' : 'A') + token[^2..];
            Assert.False(Verifies(jwk.Key, tampered));
        }
    }

    // ---- helpers ----

    private sealed record PublishedKey(ECDsa Key, string Kid) : IDisposable
    {
        public void Dispose() => Key.Dispose();
    }

    /// <summary>The JWKS key, fetched without credentials as a client app would, as an ECDsa public key.</summary>
    private async Task<PublishedKey> PublicKeyAsync()
    {
        using var response = await server.SendAsync(HttpMethod.Get, "v1/license/keys", null, apiKey: null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = await ServerFixture.ReadJsonAsync(response);
        var jwk = json.RootElement.GetProperty("keys")[0];
        Assert.Equal("EC", jwk.GetProperty("kty").GetString());
        Assert.Equal("P-256", jwk.GetProperty("crv").GetString());
        var key = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint
            {
                X = Base64Url.DecodeFromChars(jwk.GetProperty("x").GetString()),
                Y = Base64Url.DecodeFromChars(jwk.GetProperty("y").GetString()),
            },
        });
        return new PublishedKey(key, jwk.GetProperty("kid").GetString()!);
    }

    private static bool Verifies(ECDsa key, string jws)
    {
        var parts = jws.Split('.');
        if (parts.Length != 3)
        {
            return false;
        }

        byte[] signature;
        try
        {
            signature = Base64Url.DecodeFromChars(parts[2]);
        }
        catch (FormatException)
        {
            return false;
        }

        var signingInput = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        return key.VerifyData(signingInput, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    private static JsonElement JwsPart(string jws, int index)
    {
        using var json = JsonDocument.Parse(Base64Url.DecodeFromChars(jws.Split('.')[index]));
        return json.RootElement.Clone();
    }

    private static byte[] LicenseKeyBytes(JsonElement response) =>
        response.GetProperty("license").GetProperty("licenseKey").EnumerateArray().Select(b => b.GetByte()).ToArray();

    /// <summary>A {seconds, nanos} object with an int64 and an int32 from 0 to 999,999,999: its seconds.</summary>
    private static long AssertTimestamp(JsonElement value)
    {
        Assert.True(value.ValueKind == JsonValueKind.Object, $"not a timestamp object: {value.GetRawText()}");
        Assert.True(value.GetProperty("seconds").TryGetInt64(out var seconds), value.GetRawText());
        Assert.True(value.GetProperty("nanos").TryGetInt32(out var nanos), value.GetRawText());
        Assert.InRange(nanos, 0, 999_999_999);
        return seconds;
    }

    private static void AssertHas(JsonElement element, params string[] names)
    {
        foreach (var name in names)
        {
            Assert.True(element.TryGetProperty(name, out _), $"'{name}' is missing from {element.GetRawText()}");
        }
    }
}
