using System.Net;
using Licensing.Domain;
using Licensing.Storage;
using Licensing.Tests.Support;

namespace Licensing.Tests.EndToEnd;

/// <summary>
/// A custom user key is the license's only secret and its license id an unkeyed hash of it: a new custom key must be too
/// long and varied to search for offline, while licenses created with shorter keys before the rule keep working.
/// </summary>
public sealed class CustomUserKeyTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Theory]
    [InlineData("eight-ch")]
    [InlineData("nineteen-characters")]
    [InlineData("aaaaaaaaaabbbbbbbbbbcccccccccc")]
    public async Task A_custom_user_key_short_or_of_few_distinct_characters_is_refused_400_naming_userKey(string userKey)
    {
        using var response = await server.SendAsync(HttpMethod.Post, "v1/admin/licenses", new { licensingMode = 2, maxClientCount = 1, userKey }, ServerFixture.AdminKey);
        var problem = (await ServerFixture.ReadJsonAsync(response)).RootElement;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(
            "must be 20 to 128 characters with at least 10 different ones, without control characters or surrounding spaces.",
            problem.GetProperty("errors").GetProperty("userKey")[0].GetString());
        Assert.Null(await server.StoredLicenseRowAsync(TableKeys.LicenseId(userKey)));
    }

    [Fact]
    public async Task A_custom_user_key_of_twenty_characters_with_ten_distinct_ones_is_accepted()
    {
        var userKey = "custom-0123456789-" + Guid.NewGuid().ToString("N")[..8];

        var created = await server.AdminPostAsync("v1/admin/licenses", new { licensingMode = 2, maxClientCount = 1, userKey });

        Assert.Equal(TableKeys.LicenseId(userKey), created.RootElement.GetProperty("licenseId").GetString());
    }

    [Fact]
    public async Task A_license_stored_with_a_short_key_before_the_rule_still_grants_seats()
    {
        var userKey = "old" + Guid.NewGuid().ToString("N")[..5];
        var license = new LicenseRow
        {
            LicenseId = TableKeys.LicenseId(userKey),
            UserKey = userKey,
            ProductId = "default",
            Mode = LicensingMode.Floating,
            MaxClientCount = 1,
            HeartbeatInterval = TimeSpan.FromSeconds(60),
            IssuedAt = server.Clock.GetUtcNow(),
        };
        await server.Tables.EnsureCreatedAsync(CancellationToken.None);
        await server.Tables.Licenses.AddEntityAsync(license.ToEntity());

        var granted = (await server.CallAsync("v1/license/request", new { userKey, machineId = "m1" })).RootElement;

        Assert.True(granted.GetProperty("granted").GetBoolean(), granted.GetRawText());
    }
}
