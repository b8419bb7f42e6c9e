using System.Net;
using System.Text.Json;
using Licensing.Storage;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Licensing.Tests.EndToEnd;

/// <summary>
/// API keys created while a share of the server's storage requests fail inside the SDK's retries: each answer is 201 or
/// 503 with Retry-After, never 500, and every key answered 201 is stored.
/// </summary>
[Collection(SlowTests.Name)]
[Trait("Category", "Slow")]
public sealed class AdminStorageFaultTests(ITestOutputHelper output)
{
    private const int Keys = 60;
    private static readonly string[] KeyEvents = ["apikey.created"];

    [Theory]
    [InlineData(StorageFault.Busy503)]
    [InlineData(StorageFault.Error500)]
    [InlineData(StorageFault.Timeout)]
    [InlineData(StorageFault.ConnectionReset)]
    [InlineData(StorageFault.LostAfterWrite)]
    public async Task Api_keys_created_under_one_kind_of_storage_fault_answer_201_or_503_and_the_201s_are_stored(StorageFault kind)
    {
        await CreateAndCheckAsync(new StorageFaults(seed: 500 + (int)kind, rate: 0.3, kind), webhook: false);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Api_keys_created_under_every_kind_of_storage_fault_at_once_answer_201_or_503_and_the_201s_are_stored(bool webhook)
    {
        await CreateAndCheckAsync(new StorageFaults(seed: webhook ? 41 : 42, rate: 0.4, Enum.GetValues<StorageFault>()), webhook);
    }

    private async Task CreateAndCheckAsync(StorageFaults faults, bool webhook)
    {
        await using var server = await ServerFixture.StartAsync(_ => { }, configure: builder =>
        {
            builder.Services.Configure<TablePipelineOptions>(o => o.PerRetryPolicies.Add(faults));
            builder.Logging.SetMinimumLevel(LogLevel.Error);
        });
        if (webhook)
        {
            // A webhook that wants key events: each create first writes its delivery hint, one more request to fail.
            await server.AdminPostAsync("v1/admin/webhooks", new { url = "https://hooks.example.com/licensing", events = KeyEvents });
        }

        faults.Start();
        var answers = await Task.WhenAll(Enumerable.Range(0, Keys).Select(async i =>
        {
            using var response = await server.SendAsync(HttpMethod.Post, "v1/admin/api-keys", new { name = $"key-{i}", scope = "client" }, ServerFixture.AdminKey);
            return (response.StatusCode, RetryAfter: response.Headers.RetryAfter is not null, Body: await response.Content.ReadAsStringAsync());
        }).ToList());
        faults.Stop();

        output.WriteLine(faults.ToString());
        Assert.Equal(Keys, answers.Length);
        Assert.True(faults.InjectedTotal > 0, faults.ToString());
        Assert.All(answers, a => Assert.True(
            a.StatusCode == HttpStatusCode.Created || (a.StatusCode == HttpStatusCode.ServiceUnavailable && a.RetryAfter),
            $"{(int)a.StatusCode} {a.Body}"));
        var created = answers.Where(a => a.StatusCode == HttpStatusCode.Created)
            .Select(a => JsonDocument.Parse(a.Body).RootElement.GetProperty("id").GetString()!).ToList();
        var listed = (await server.SendForJsonAsync(HttpMethod.Get, "v1/admin/api-keys", null, ServerFixture.AdminKey)).RootElement;
        var stored = listed.GetProperty("items").EnumerateArray().Select(k => k.GetProperty("id").GetString()!).ToHashSet();
        Assert.All(created, id => Assert.Contains(id, stored));
    }
}
