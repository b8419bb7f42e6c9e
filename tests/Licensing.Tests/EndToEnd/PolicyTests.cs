using System.Net;
using System.Text.Json;
using Licensing.Tests.Support;

namespace Licensing.Tests.EndToEnd;

/// <summary>Policies: named templates of terms per product, copied into the licenses created from them.</summary>
public sealed class PolicyTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const int Activation = 1;
    private const int Floating = 2;

    [Fact]
    public async Task A_policy_is_created_read_listed_by_its_product_changed_and_deleted()
    {
        var product = NewProduct();
        var created = await CreatePolicyAsync(new { name = "Pro", productId = product, licensingMode = Floating, maxClientCount = 5, duration = Days(365), features = new List<string> { "pro" } });
        await CreatePolicyAsync(new { name = "Basic", productId = product, licensingMode = Activation, maxClientCount = 1 });
        await CreatePolicyAsync(new { name = "Elsewhere", productId = NewProduct(), licensingMode = Activation, maxClientCount = 1 });
        var policyId = created.GetProperty("policyId").GetString()!;

        var read = await AdminAsync(HttpMethod.Get, $"v1/admin/policies/{policyId}");
        var listed = await AdminAsync(HttpMethod.Get, $"v1/admin/policies?productId={product}");
        var patched = await AdminAsync(HttpMethod.Patch, $"v1/admin/policies/{policyId}", new { name = "Pro 2", maxClientCount = 7 });
        var (deleteStatus, _) = await SendAsync(HttpMethod.Delete, $"v1/admin/policies/{policyId}");
        var (afterStatus, after) = await SendAsync(HttpMethod.Get, $"v1/admin/policies/{policyId}");

        Assert.StartsWith($"pol_{product}_", policyId, StringComparison.Ordinal);
        Assert.Equal(
            $$$"""{"policyId":"{{{policyId}}}","name":"Pro","productId":"{{{product}}}","licensingMode":2,"maxClientCount":5,"duration":{"seconds":31536000,"nanos":0},"supportDuration":null,"heartbeatInterval":null,"gracePeriod":{"seconds":0,"nanos":0},"maxBorrowDuration":{"seconds":0,"nanos":0},"features":["pro"],"entitlements":[{"code":"pro"}],"trial":false,"createdAt":{"seconds":{{{server.Clock.GetUtcNow().ToUnixTimeSeconds()}}},"nanos":0},"overageSeats":0,"maxTransfers":0,"meters":[],"portal":true}""",
            read.GetRawText());
        Assert.Equal(["Basic", "Pro"], listed.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("name").GetString()).Order(StringComparer.Ordinal));
        Assert.Equal("Pro 2", patched.GetProperty("name").GetString());
        Assert.Equal(7, patched.GetProperty("maxClientCount").GetInt32());
        Assert.Equal(HttpStatusCode.NoContent, deleteStatus);
        Assert.Equal(HttpStatusCode.NotFound, afterStatus);
        Assert.Equal("policy_not_found", after.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_license_created_from_a_policy_copies_its_terms_and_names_the_policy()
    {
        var product = NewProduct();
        var policyId = (await CreatePolicyAsync(new
        {
            name = "Pro",
            productId = product,
            licensingMode = Floating,
            maxClientCount = 5,
            duration = Days(365),
            supportDuration = Days(30),
            heartbeatInterval = new { seconds = 120, nanos = 0 },
            entitlements = new object[] { new { code = "pro" }, new { code = "max-projects", value = 20 } },
        })).GetProperty("policyId").GetString()!;
        var now = server.Clock.GetUtcNow().ToUnixTimeSeconds();

        var license = await AdminAsync(HttpMethod.Post, "v1/admin/licenses", new { policyId, customerName = "Contoso" });
        var events = await AdminAsync(HttpMethod.Get, $"v1/admin/licenses/{license.GetProperty("licenseId").GetString()}/events");

        Assert.Equal(policyId, license.GetProperty("policyId").GetString());
        Assert.Equal(product, license.GetProperty("productId").GetString());
        Assert.Equal(Floating, license.GetProperty("licensingMode").GetInt32());
        Assert.Equal(5, license.GetProperty("maxClientCount").GetInt32());
        Assert.Equal(now + 365 * 86400, license.GetProperty("expireAt").GetProperty("seconds").GetInt64());
        Assert.Equal(now + 30 * 86400, license.GetProperty("supportExpireAt").GetProperty("seconds").GetInt64());
        Assert.Equal(120, license.GetProperty("heartbeatInterval").GetProperty("seconds").GetInt64());
        Assert.Equal("""[{"code":"pro"},{"code":"max-projects","value":20}]""", license.GetProperty("entitlements").GetRawText());
        Assert.Equal("Contoso", license.GetProperty("customerName").GetString());
        Assert.Equal(1, events.GetProperty("items").GetArrayLength());
        Assert.Equal(policyId, events.GetProperty("items")[0].GetProperty("changes").GetProperty("policyId").GetString());
    }

    [Fact]
    public async Task Fields_given_with_the_policy_win_and_a_later_edit_of_the_policy_changes_only_later_licenses()
    {
        var policyId = (await CreatePolicyAsync(new { name = "Team", productId = NewProduct(), licensingMode = Activation, maxClientCount = 5, duration = Days(10), features = new List<string> { "pro" } }))
            .GetProperty("policyId").GetString()!;

        var explicitTerms = await AdminAsync(HttpMethod.Post, "v1/admin/licenses", new { policyId, maxClientCount = 2, expireAt = "2031-01-01T00:00:00Z", features = new List<string> { "basic" } });
        var before = await AdminAsync(HttpMethod.Post, "v1/admin/licenses", new { policyId });
        await AdminAsync(HttpMethod.Patch, $"v1/admin/policies/{policyId}", new { maxClientCount = 9 });
        var after = await AdminAsync(HttpMethod.Post, "v1/admin/licenses", new { policyId });
        var beforeNow = await AdminAsync(HttpMethod.Get, $"v1/admin/licenses/{before.GetProperty("licenseId").GetString()}");

        Assert.Equal(2, explicitTerms.GetProperty("maxClientCount").GetInt32());
        Assert.Equal(DateTimeOffset.Parse("2031-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeSeconds(), explicitTerms.GetProperty("expireAt").GetProperty("seconds").GetInt64());
        Assert.Equal(["basic"], explicitTerms.GetProperty("features").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(5, beforeNow.GetProperty("maxClientCount").GetInt32());
        Assert.Equal(9, after.GetProperty("maxClientCount").GetInt32());
    }

    [Fact]
    public async Task A_product_has_at_most_one_trial_policy_even_when_ten_are_created_at_once()
    {
        var product = NewProduct();
        var body = new { name = "Trial", productId = product, licensingMode = Activation, maxClientCount = 1, duration = Days(14), trial = true };

        var contenders = Enumerable.Range(0, 10).Select(_ => SendAsync(HttpMethod.Post, "v1/admin/policies", body)).ToArray();
        var answers = await Task.WhenAll(contenders);
        var listed = await AdminAsync(HttpMethod.Get, $"v1/admin/policies?productId={product}");

        Assert.Equal(10, answers.Length);
        Assert.Single(answers, a => a.Status == HttpStatusCode.Created);
        Assert.Equal(9, answers.Count(a => a.Status == HttpStatusCode.Conflict && a.Body.GetProperty("code").GetString() == "trial_policy_exists"));
        Assert.Equal(1, listed.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task A_trial_policy_turned_off_frees_its_product_for_another()
    {
        var product = NewProduct();
        var first = (await CreatePolicyAsync(new { name = "Trial", productId = product, licensingMode = Activation, maxClientCount = 1, duration = Days(14), trial = true }))
            .GetProperty("policyId").GetString()!;
        var secondId = (await CreatePolicyAsync(new { name = "Trial 2", productId = product, licensingMode = Activation, maxClientCount = 1, duration = Days(30) }))
            .GetProperty("policyId").GetString()!;

        var (refused, _) = await SendAsync(HttpMethod.Patch, $"v1/admin/policies/{secondId}", new { trial = true });
        await AdminAsync(HttpMethod.Patch, $"v1/admin/policies/{first}", new { trial = false });
        var (accepted, second) = await SendAsync(HttpMethod.Patch, $"v1/admin/policies/{secondId}", new { trial = true });

        Assert.Equal(HttpStatusCode.Conflict, refused);
        Assert.Equal(HttpStatusCode.OK, accepted);
        Assert.True(second.GetProperty("trial").GetBoolean());
    }

    [Fact]
    public async Task Each_wrong_field_of_a_policy_is_named()
    {
        var (status, problem) = await SendAsync(HttpMethod.Post, "v1/admin/policies",
            new { productId = "Not A Product", licensingMode = 2, maxClientCount = 0, duration = Days(1), trial = true, gracePeriod = Days(91) });
        var errors = problem.GetProperty("errors");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["gracePeriod", "maxClientCount", "name", "productId", "trial"], errors.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.Equal("a trial policy must have licensingMode 1 (a trial activates one machine).", errors.GetProperty("trial")[0].GetString());
    }

    [Fact]
    public async Task A_license_naming_an_unknown_policy_is_refused_on_that_field()
    {
        var (status, problem) = await SendAsync(HttpMethod.Post, "v1/admin/licenses", new { policyId = $"pol_{NewProduct()}_aaaaaaaaaaaaaaaa" });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["policyId"], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
    }

    private static object Days(int days) => new { seconds = days * 86400, nanos = 0 };

    private static string NewProduct() => "p-" + Guid.NewGuid().ToString("N")[..12];

    private Task<JsonElement> CreatePolicyAsync(object body) => AdminAsync(HttpMethod.Post, "v1/admin/policies", body);

    private async Task<JsonElement> AdminAsync(HttpMethod method, string route, object? body = null) =>
        (await server.SendForJsonAsync(method, route, body, ServerFixture.AdminKey)).RootElement;

    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string route, object? body = null)
    {
        using var response = await server.SendAsync(method, route, body, ServerFixture.AdminKey);
        return (response.StatusCode, (await ServerFixture.ReadJsonAsync(response)).RootElement);
    }
}
