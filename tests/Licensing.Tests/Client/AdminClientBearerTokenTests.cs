using Licensing.Client;
using Licensing.Tests.Support;

namespace Licensing.Tests.Client;

/// <summary>The SDK's admin client with a bearer token provider instead of an API key.</summary>
public sealed class AdminClientBearerTokenTests(BearerServerFixture fixture) : IClassFixture<BearerServerFixture>
{
    [Fact]
    public async Task The_admin_client_asks_its_token_provider_before_each_call_and_acts_as_admin()
    {
        var asked = 0;
        using var admin = new LicensingAdminClient(fixture.Server.Http.BaseAddress!, _ =>
        {
            Interlocked.Increment(ref asked);
            return Task.FromResult(fixture.Issuer.Mint(fixture.Server.Clock.GetUtcNow()));
        });

        var created = await admin.CreateLicenseAsync(new NewLicense { LicensingMode = LicensingMode.Floating, MaxClientCount = 2 });
        var read = await admin.GetLicenseAsync(created.LicenseId);

        Assert.Equal(2, read.MaxClientCount);
        Assert.Equal(2, asked);
        Assert.Equal(2, (await fixture.Server.StoredLicenseRowAsync(created.LicenseId))!.GetInt32("MaxClientCount"));
    }

    [Fact]
    public async Task A_token_without_the_role_is_an_unauthorized_licensing_exception_naming_the_bearer_token()
    {
        using var admin = new LicensingAdminClient(fixture.Server.Http.BaseAddress!,
            _ => Task.FromResult(fixture.Issuer.Mint(fixture.Server.Clock.GetUtcNow(), roles: ["Licensing.Reader"])));

        var failure = await Assert.ThrowsAsync<LicensingException>(() => admin.ListApiKeysAsync());

        Assert.Equal(LicensingErrorKind.Unauthorized, failure.Kind);
        Assert.Equal(403, failure.StatusCode);
        Assert.Contains("bearer token", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_with_both_an_api_key_and_a_token_provider_are_refused_at_once()
    {
        var options = new LicensingClientOptions
        {
            BaseAddress = fixture.Server.Http.BaseAddress,
            ApiKey = ServerFixture.AdminKey,
            BearerTokenProvider = _ => Task.FromResult("token"),
        };

        Assert.Throws<ArgumentException>(() => new LicensingAdminClient(fixture.Server.Http, options));
    }
}
