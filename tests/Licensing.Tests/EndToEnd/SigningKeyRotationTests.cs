using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using Licensing.Tests.Support;

namespace Licensing.Tests.EndToEnd;

/// <summary>Rotating the signing key: tokens of the previous key keep verifying while it is configured, and both keys are published.</summary>
public sealed class SigningKeyRotationTests
{
    [Fact]
    public async Task After_a_rotation_old_tokens_keep_working_new_ones_use_the_new_key_and_the_jwks_lists_both()
    {
        using var oldKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var newKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var tables = TestStorage.NewTablePrefix();
        var (license, oldToken) = await LeaseSignedWithAsync(oldKey, tables);

        await using var during = await ServerFixture.StartAsync(s =>
        {
            s["Licensing:SigningKey"] = newKey.ExportPkcs8PrivateKeyPem();
            s["Licensing:PreviousSigningKey"] = oldKey.ExportSubjectPublicKeyInfoPem();
            s["Licensing:TablePrefix"] = tables;
        });
        var beat = (await during.CallAsync("v1/license/heartbeat", new { licenseToken = oldToken, machineId = "m1" })).RootElement;
        var newToken = (await during.CallAsync("v1/license/request", new { license.UserKey, machineId = "m2" })).RootElement.GetProperty("licenseToken").GetString()!;
        var jwks = JsonDocument.Parse(await during.Http.GetStringAsync("v1/license/keys")).RootElement.GetProperty("keys").EnumerateArray()
            .Select(k => k.GetProperty("kid").GetString()).ToList();

        Assert.True(beat.GetProperty("active").GetBoolean(), beat.GetRawText());
        Assert.Equal(2, jwks.Count);
        Assert.Equal(KeyIdOf(newToken), jwks[0]);
        Assert.Equal(KeyIdOf(oldToken), jwks[1]);
    }

    [Fact]
    public async Task Once_the_previous_key_is_removed_its_tokens_stop_verifying()
    {
        using var oldKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var tables = TestStorage.NewTablePrefix();
        var (license, oldToken) = await LeaseSignedWithAsync(oldKey, tables);

        await using var after = await ServerFixture.StartAsync(s => s["Licensing:TablePrefix"] = tables);
        var beat = (await after.CallAsync("v1/license/heartbeat", new { licenseToken = oldToken, machineId = "m1" })).RootElement;

        Assert.False(beat.GetProperty("active").GetBoolean());
        Assert.Equal("invalid_token", beat.GetProperty("reason").GetString());
    }

    /// <summary>A lease granted by a server that signs with <paramref name="key"/>, on the given tables.</summary>
    private static async Task<(License License, string Token)> LeaseSignedWithAsync(ECDsa key, string tables)
    {
        await using var server = await ServerFixture.StartAsync(s =>
        {
            s["Licensing:SigningKey"] = key.ExportPkcs8PrivateKeyPem();
            s["Licensing:TablePrefix"] = tables;
        });
        var license = await server.CreateLicenseAsync(mode: 2, seats: 2);
        var granted = await server.CallAsync("v1/license/request", new { license.UserKey, machineId = "m1" });
        return (license, granted.RootElement.GetProperty("licenseToken").GetString()!);
    }

    private static string KeyIdOf(string token) =>
        JsonDocument.Parse(Base64Url.DecodeFromChars(token.Split('.')[0])).RootElement.GetProperty("kid").GetString()!;
}
