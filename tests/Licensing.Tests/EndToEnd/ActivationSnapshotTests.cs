using System.Security.Cryptography;
using Licensing.Storage;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Tests.EndToEnd;

/// <summary>
/// Activate reads the license row and the machine's seat in parallel, not as one snapshot: the same machine's other
/// activation, on another instance (one instance decides a license's activations in turn), can commit between the two
/// reads, so the license looks full and the seat looks absent.
/// </summary>
public sealed class ActivationSnapshotTests : IAsyncLifetime
{
    private const int Activation = 1;
    private readonly LicenseReadHold _hold = new();
    private ServerFixture _server = null!;
    private ServerFixture _other = null!;

    public async Task InitializeAsync()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signingKey = key.ExportPkcs8PrivateKeyPem();
        _server = await ServerFixture.StartAsync(s => s["Licensing:SigningKey"] = signingKey, configure: builder =>
            builder.Services.Configure<TablePipelineOptions>(o => o.PerCallPolicies.Add(_hold)));
        _other = await ServerFixture.StartAsync(
            s =>
            {
                s["Licensing:SigningKey"] = signingKey;
                s["Licensing:TablePrefix"] = _server.TablePrefix;
            },
            clock: _server.Clock);
    }

    public async Task DisposeAsync()
    {
        await _other.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task An_activation_whose_license_read_comes_after_the_same_machines_commit_answers_that_activation_not_seats_exhausted()
    {
        var license = await _server.CreateLicenseAsync(Activation, seats: 1);
        _hold.Arm(license.LicenseId);

        var straddling = _server.CallAsync("v1/license/activate", new { license.UserKey, machineId = "pc-1" });
        await _hold.Held;
        using var committed = await _other.CallAsync("v1/license/activate", new { license.UserKey, machineId = "pc-1" });
        _hold.Release();
        using var answer = await straddling;

        Assert.True(committed.RootElement.GetProperty("success").GetBoolean(), committed.RootElement.GetRawText());
        Assert.True(answer.RootElement.GetProperty("success").GetBoolean(), answer.RootElement.GetRawText());
        Assert.Equal(TokenId(committed), TokenId(answer));
        Assert.Equal(1, answer.RootElement.GetProperty("activeClientCount").GetInt32());
        Assert.Equal(1, (await _server.StoredLicenseRowAsync(license.LicenseId))!.GetInt32("LiveSeats"));
    }

    private string TokenId(System.Text.Json.JsonDocument answer) =>
        _server.Services.GetRequiredService<Licensing.Signing.LicenseCredentials>()
            .ReadToken(answer.RootElement.GetProperty("licenseToken").GetString()!)!.TokenId;
}
