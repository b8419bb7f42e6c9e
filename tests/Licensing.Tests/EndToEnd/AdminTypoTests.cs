using System.Net;
using System.Text.Json;
using Licensing.Storage;
using Licensing.Tests.Support;

namespace Licensing.Tests.EndToEnd;

/// <summary>
/// Admin bodies are strict: a mistyped property is a 400 naming it (and the field it was likely meant to be), and
/// nothing is stored; a patch that changes nothing records nothing. Client calls keep ignoring unknown properties.
/// </summary>
public sealed class AdminTypoTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_create_with_a_mistyped_heartbeat_interval_is_a_400_that_names_it_and_the_known_field_and_stores_no_license()
    {
        var userKey = "typo-" + Guid.NewGuid().ToString("N");
        var (status, problem) = await AdminAsync(HttpMethod.Post, "v1/admin/licenses",
            new { licensingMode = 2, maxClientCount = 3, userKey, heartbeatIntervall = new { seconds = 30, nanos = 0 } });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(
            """{"heartbeatIntervall":["is not a known field; did you mean 'heartbeatInterval'?"]}""",
            problem.GetProperty("errors").GetRawText());
        Assert.Null(await server.StoredLicenseRowAsync(TableKeys.LicenseId(userKey)));
    }

    [Fact]
    public async Task A_create_with_a_misspelt_customer_name_is_a_400_that_suggests_customerName()
    {
        var (status, problem) = await AdminAsync(HttpMethod.Post, "v1/admin/licenses", new { licensingMode = 1, maxClientCount = 1, customerNmae = "Contoso" });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
        Assert.Equal(
            """{"customerNmae":["is not a known field; did you mean 'customerName'?"]}""",
            problem.GetProperty("errors").GetRawText());
    }

    [Fact]
    public async Task A_property_like_no_known_field_is_refused_with_the_list_of_known_fields()
    {
        var (status, problem) = await AdminAsync(HttpMethod.Post, "v1/admin/api-keys", new { name = "ci", scope = "client", colour = "blue" });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(
            """{"colour":["is not a known field; the known fields are name, scope, productId, expiresAt."]}""",
            problem.GetProperty("errors").GetRawText());
    }

    [Fact]
    public async Task A_patch_with_suspend_instead_of_suspended_is_a_400_changes_nothing_and_records_no_event()
    {
        var license = await server.CreateLicenseAsync(mode: 1, seats: 2);
        var before = await server.StoredLicenseRowAsync(license.LicenseId);

        var (status, problem) = await AdminAsync(HttpMethod.Patch, $"v1/admin/licenses/{license.LicenseId}", new { suspend = true });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("""{"suspend":["is not a known field; did you mean 'suspended'?"]}""", problem.GetProperty("errors").GetRawText());
        var after = await server.StoredLicenseRowAsync(license.LicenseId);
        Assert.Equal(before!.ETag, after!.ETag);
        Assert.False(after.GetBoolean("Suspended"));
        Assert.Equal(["license.created"], await EventTypesAsync(license));
    }

    [Fact]
    public async Task A_patch_that_changes_nothing_answers_the_view_and_records_no_event()
    {
        var license = await server.CreateLicenseAsync(mode: 1, seats: 2);
        var before = await server.StoredLicenseRowAsync(license.LicenseId);

        var (status, view) = await AdminAsync(HttpMethod.Patch, $"v1/admin/licenses/{license.LicenseId}", new { maxClientCount = 2, suspended = false });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, view.GetProperty("maxClientCount").GetInt32());
        Assert.Equal(before!.ETag, (await server.StoredLicenseRowAsync(license.LicenseId))!.ETag);
        Assert.Equal(["license.created"], await EventTypesAsync(license));
    }

    [Fact]
    public async Task A_client_call_with_properties_the_contract_does_not_read_is_still_served()
    {
        var license = await server.CreateLicenseAsync(mode: 2, seats: 1);

        var granted = (await server.CallAsync("v1/license/request", new { license.UserKey, machineId = "m1", appVersion = "4.2", locale = "de-CH" })).RootElement;

        Assert.True(granted.GetProperty("granted").GetBoolean(), granted.GetRawText());
        Assert.Equal(1, granted.GetProperty("activeClientCount").GetInt32());
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> AdminAsync(HttpMethod method, string route, object body)
    {
        using var response = await server.SendAsync(method, route, body, ServerFixture.AdminKey);
        return (response.StatusCode, (await ServerFixture.ReadJsonAsync(response)).RootElement.Clone());
    }

    private async Task<List<string?>> EventTypesAsync(License license)
    {
        var page = await server.SendForJsonAsync(HttpMethod.Get, $"v1/admin/licenses/{license.LicenseId}/events", null, ServerFixture.AdminKey);
        return page.RootElement.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToList();
    }
}
