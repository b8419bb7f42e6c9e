using System.Buffers.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Licensing.Storage;
using Licensing.Tests.Support;

namespace Licensing.Tests.EndToEnd;

/// <summary>Trials: one per (product, machine), ever, made from the product's trial policy and activated in one call.</summary>
public sealed class TrialTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_product_without_a_trial_policy_offers_no_trial()
    {
        var answer = await TrialAsync(new { productId = NewProduct(), machineId = "pc-1" });

        Assert.Equal(
            """{"success":false,"licenseToken":null,"tokenExpireAt":null,"activeClientCount":0,"maxClientCount":0,"license":null,"userKey":null,"reason":"trial_not_available","message":"The product offers no trial."}""",
            answer.GetRawText());
    }

    [Fact]
    public async Task The_first_call_makes_and_activates_the_trial_and_every_later_call_answers_the_same_even_expired()
    {
        var product = NewProduct();
        var policyId = await CreateTrialPolicyAsync(product);
        var now = server.Clock.GetUtcNow().ToUnixTimeSeconds();

        var first = await TrialAsync(new { productId = product, machineId = "pc-1", clientName = "Laptop" });
        var again = await TrialAsync(new { productId = product, machineId = "pc-1" });
        var licenseId = first.GetProperty("license").GetProperty("licenseId").GetString()!;
        var view = (await server.SendForJsonAsync(HttpMethod.Get, $"v1/admin/licenses/{licenseId}", null, ServerFixture.AdminKey)).RootElement;
        server.Clock.Advance(TimeSpan.FromDays(15));
        var expired = await TrialAsync(new { productId = product, machineId = "pc-1" });
        var licenses = await StoredAsync($"RowKey eq '{TableKeys.LicenseRow}' and PolicyId eq '{policyId}'");

        Assert.True(first.GetProperty("success").GetBoolean(), first.GetRawText());
        Assert.Matches("^[A-Z2-7]{5}(-[A-Z2-7]{5}){4}$", first.GetProperty("userKey").GetString());
        Assert.Equal(now + 14 * 86400, first.GetProperty("license").GetProperty("expireAt").GetProperty("seconds").GetInt64());
        Assert.Equal("""[{"code":"pro"}]""", first.GetProperty("license").GetProperty("entitlements").GetRawText());
        Assert.Equal(1, first.GetProperty("activeClientCount").GetInt32());
        Assert.Equal(first.GetProperty("userKey").GetString(), again.GetProperty("userKey").GetString());
        Assert.Equal(TokenId(first), TokenId(again));
        Assert.Equal(policyId, view.GetProperty("policyId").GetString());
        Assert.Equal(1, view.GetProperty("licensingMode").GetInt32());
        Assert.Equal(product, view.GetProperty("productId").GetString());
        Assert.Equal("Laptop", view.GetProperty("licenseTokens")[0].GetProperty("clientName").GetString());
        Assert.False(expired.GetProperty("success").GetBoolean());
        Assert.Equal("license_expired", expired.GetProperty("reason").GetString());
        Assert.Equal(first.GetProperty("userKey").GetString(), expired.GetProperty("userKey").GetString());
        Assert.Equal([licenseId], licenses.Select(l => l.PartitionKey));
    }

    [Fact]
    public async Task Twenty_concurrent_trial_calls_for_one_machine_make_exactly_one_license_and_one_activation()
    {
        var product = NewProduct();
        var policyId = await CreateTrialPolicyAsync(product);

        var contenders = Enumerable.Range(0, 20).Select(_ => TrialAsync(new { productId = product, machineId = "racing-pc" })).ToArray();
        var answers = await Task.WhenAll(contenders);
        var licenses = await StoredAsync($"RowKey eq '{TableKeys.LicenseRow}' and PolicyId eq '{policyId}'");
        var trialRows = await StoredAsync($"PartitionKey eq '{TableKeys.TrialPartition(product)}'");

        Assert.Equal(20, answers.Length);
        Assert.All(answers, a => Assert.True(a.GetProperty("success").GetBoolean(), a.GetRawText()));
        Assert.Single(answers.Select(a => a.GetProperty("userKey").GetString()).Distinct());
        Assert.Single(answers.Select(TokenId).Distinct());
        Assert.Single(licenses);
        Assert.Single(trialRows);
        var seats = (await server.StoredRowsAsync(licenses[0].PartitionKey)).Where(r => TableKeys.IsSeatRow(r.RowKey)).ToList();
        Assert.Single(seats);
        Assert.Equal(1, licenses[0].GetInt32("LiveSeats"));
    }

    [Fact]
    public async Task A_trial_license_the_vendor_deleted_is_never_made_again_for_that_machine()
    {
        var product = NewProduct();
        await CreateTrialPolicyAsync(product);
        var first = await TrialAsync(new { productId = product, machineId = "pc-1" });
        var licenseId = first.GetProperty("license").GetProperty("licenseId").GetString()!;

        using var deleted = await server.SendAsync(HttpMethod.Delete, $"v1/admin/licenses/{licenseId}", null, ServerFixture.AdminKey);
        server.Clock.Advance(TimeSpan.FromHours(1));
        var again = await TrialAsync(new { productId = product, machineId = "pc-1" });

        Assert.Equal(System.Net.HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.False(again.GetProperty("success").GetBoolean());
        Assert.Equal("license_not_found", again.GetProperty("reason").GetString());
        Assert.Equal(first.GetProperty("userKey").GetString(), again.GetProperty("userKey").GetString());
        Assert.Null(await server.StoredLicenseRowAsync(licenseId));
    }

    [Fact]
    public async Task Another_machine_gets_a_trial_of_its_own()
    {
        var product = NewProduct();
        await CreateTrialPolicyAsync(product);

        var first = await TrialAsync(new { productId = product, machineId = "pc-a" });
        var second = await TrialAsync(new { productId = product, machineId = "pc-b" });

        Assert.True(second.GetProperty("success").GetBoolean(), second.GetRawText());
        Assert.NotEqual(first.GetProperty("userKey").GetString(), second.GetProperty("userKey").GetString());
    }

    [Fact]
    public async Task A_product_bound_key_gets_its_own_products_trial_and_no_other()
    {
        var product = NewProduct();
        var other = NewProduct();
        await CreateTrialPolicyAsync(product);
        await CreateTrialPolicyAsync(other);
        var key = (await server.AdminPostAsync("v1/admin/api-keys", new { name = "bound", scope = "client", productId = product })).RootElement.GetProperty("key").GetString()!;

        var own = await TrialAsync(new { machineId = "pc-1" }, key);
        var elsewhere = await TrialAsync(new { productId = other, machineId = "pc-1" }, key);

        Assert.True(own.GetProperty("success").GetBoolean(), own.GetRawText());
        Assert.Equal(product, (await server.SendForJsonAsync(HttpMethod.Get, $"v1/admin/licenses/{own.GetProperty("license").GetProperty("licenseId").GetString()}", null, ServerFixture.AdminKey))
            .RootElement.GetProperty("productId").GetString());
        Assert.Equal("trial_not_available", elsewhere.GetProperty("reason").GetString());
        Assert.Equal(JsonValueKind.Null, elsewhere.GetProperty("userKey").ValueKind);
    }

    private async Task<string> CreateTrialPolicyAsync(string product) =>
        (await server.SendForJsonAsync(HttpMethod.Post, "v1/admin/policies", new
        {
            name = "Trial",
            productId = product,
            licensingMode = 1,
            maxClientCount = 1,
            duration = new { seconds = 14 * 86400, nanos = 0 },
            features = new List<string> { "pro" },
            trial = true,
        }, ServerFixture.AdminKey)).RootElement.GetProperty("policyId").GetString()!;

    private async Task<JsonElement> TrialAsync(object body, string? apiKey = null) =>
        (await server.SendForJsonAsync(HttpMethod.Post, "v1/license/trial", body, apiKey ?? server.ClientKey)).RootElement;

    private async Task<List<TableEntity>> StoredAsync(string filter)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in server.Tables.Licenses.QueryAsync<TableEntity>(filter))
        {
            rows.Add(row);
        }

        return rows;
    }

    private static string TokenId(JsonElement answer) =>
        JsonDocument.Parse(Base64Url.DecodeFromChars(answer.GetProperty("licenseToken").GetString()!.Split('.')[1])).RootElement.GetProperty("tid").GetString()!;

    private static string NewProduct() => "t-" + Guid.NewGuid().ToString("N")[..12];
}
