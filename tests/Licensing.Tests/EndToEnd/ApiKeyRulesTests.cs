using System.Net;
using System.Text.Json;
using Licensing.Tests.Support;

namespace Licensing.Tests.EndToEnd;

/// <summary>
/// The rules an API key is created under: a product limits client keys only, and a key may carry an expiry after which
/// it is refused with a code of its own.
/// </summary>
public sealed class ApiKeyRulesTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task An_admin_key_with_a_product_is_refused_400_naming_the_field_and_no_key_is_stored()
    {
        var name = "admin-with-product-" + Guid.NewGuid().ToString("N");

        using var response = await server.SendAsync(HttpMethod.Post, "v1/admin/api-keys", new { name, scope = "admin", productId = "pro" }, ServerFixture.AdminKey);
        var problem = (await ServerFixture.ReadJsonAsync(response)).RootElement;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
        var errors = problem.GetProperty("errors").EnumerateObject().ToList();
        Assert.Single(errors);
        Assert.Equal("productId", errors[0].Name);
        Assert.Equal("applies to client keys only: an admin key acts on every product.", errors[0].Value[0].GetString());
        Assert.DoesNotContain(await KeyNamesAsync(), n => n == name);
    }

    [Fact]
    public async Task A_client_key_with_a_product_is_still_created()
    {
        using var created = await server.AdminPostAsync("v1/admin/api-keys", new { name = "client-of-pro", scope = "client", productId = "pro" });

        Assert.Equal("pro", created.RootElement.GetProperty("productId").GetString());
    }

    [Fact]
    public async Task A_key_with_an_expiry_shows_it_on_create_and_list_works_until_then_and_is_a_401_api_key_expired_after()
    {
        var expiresAt = server.Clock.GetUtcNow().AddHours(1).ToUnixTimeSeconds();
        using var created = await server.AdminPostAsync("v1/admin/api-keys", new { name = "expiring", scope = "client", expiresAt = new { seconds = expiresAt, nanos = 0 } });
        var key = created.RootElement.GetProperty("key").GetString()!;
        var id = created.RootElement.GetProperty("id").GetString()!;
        var license = await server.CreateLicenseAsync(mode: 2, seats: 1);
        using var listed = await server.SendForJsonAsync(HttpMethod.Get, "v1/admin/api-keys", null, ServerFixture.AdminKey);

        using var before = await server.SendAsync(HttpMethod.Post, "v1/license/info", new { license.UserKey, machineId = "m1" }, key);
        server.Clock.Advance(TimeSpan.FromHours(1));
        using var after = await server.SendAsync(HttpMethod.Post, "v1/license/info", new { license.UserKey, machineId = "m1" }, key);
        var problem = (await ServerFixture.ReadJsonAsync(after)).RootElement;

        Assert.Equal(expiresAt, created.RootElement.GetProperty("expiresAt").GetProperty("seconds").GetInt64());
        var view = listed.RootElement.GetProperty("items").EnumerateArray().Single(k => k.GetProperty("id").GetString() == id);
        Assert.Equal(expiresAt, view.GetProperty("expiresAt").GetProperty("seconds").GetInt64());
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Equal("api_key_expired", problem.GetProperty("code").GetString());
        Assert.Equal("This API key is past its expiresAt: create a new key.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_key_without_an_expiry_lists_a_null_expiry()
    {
        using var created = await server.AdminPostAsync("v1/admin/api-keys", new { name = "forever", scope = "client" });
        var id = created.RootElement.GetProperty("id").GetString()!;
        using var listed = await server.SendForJsonAsync(HttpMethod.Get, "v1/admin/api-keys", null, ServerFixture.AdminKey);

        Assert.Equal(JsonValueKind.Null, created.RootElement.GetProperty("expiresAt").ValueKind);
        var view = listed.RootElement.GetProperty("items").EnumerateArray().Single(k => k.GetProperty("id").GetString() == id);
        Assert.Equal(JsonValueKind.Null, view.GetProperty("expiresAt").ValueKind);
    }

    [Fact]
    public async Task An_expiry_that_has_already_passed_is_refused_400()
    {
        var past = server.Clock.GetUtcNow().AddSeconds(-1).ToUnixTimeSeconds();

        using var response = await server.SendAsync(HttpMethod.Post, "v1/admin/api-keys", new { name = "born-expired", scope = "client", expiresAt = new { seconds = past, nanos = 0 } }, ServerFixture.AdminKey);
        var problem = (await ServerFixture.ReadJsonAsync(response)).RootElement;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("must be in the future.", problem.GetProperty("errors").GetProperty("expiresAt")[0].GetString());
    }

    private async Task<List<string>> KeyNamesAsync()
    {
        using var listed = await server.SendForJsonAsync(HttpMethod.Get, "v1/admin/api-keys", null, ServerFixture.AdminKey);
        return listed.RootElement.GetProperty("items").EnumerateArray().Select(k => k.GetProperty("name").GetString()!).ToList();
    }
}
