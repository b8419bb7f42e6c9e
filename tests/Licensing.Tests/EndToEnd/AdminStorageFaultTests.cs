using System.Net;
using Licensing.Storage;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Licensing.Tests.EndToEnd;

/// <summary>Admin writes while a share of the server's storage requests fail inside the SDK's retries: 201 or 503, never 500.</summary>
[Collection(SlowTests.Name)]
[Trait("Category", "Slow")]
public sealed class AdminStorageFaultTests(ITestOutputHelper output)
{
    private static readonly string[] KeyEvents = ["apikey.created"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Explore_mixed(int seed)
    {
        var faults = new StorageFaults(seed, rate: 0.4, Enum.GetValues<StorageFault>());
        await using var server = await ServerFixture.StartAsync(_ => { }, configure: builder =>
        {
            builder.Services.Configure<TablePipelineOptions>(o => o.PerRetryPolicies.Add(faults));
        });
        if (seed % 2 == 0)
        {
            await server.AdminPostAsync("v1/admin/webhooks", new { url = "https://example.com/hook", events = KeyEvents });
        }

        faults.Start();
        var answers = await Task.WhenAll(Enumerable.Range(0, 150).Select(async i =>
        {
            using var response = await server.SendAsync(HttpMethod.Post, "v1/admin/api-keys", new { name = $"key-{i}", scope = "client" }, ServerFixture.AdminKey);
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }).ToList());
        faults.Stop();

        output.WriteLine(faults.ToString());
        Assert.All(answers, a => Assert.True(a.StatusCode is HttpStatusCode.Created or HttpStatusCode.ServiceUnavailable, $"{(int)a.StatusCode} {a.Body}"));
    }

    [Theory]
    [InlineData(StorageFault.Busy503)]
    [InlineData(StorageFault.Error500)]
    [InlineData(StorageFault.Timeout)]
    [InlineData(StorageFault.ConnectionReset)]
    [InlineData(StorageFault.LostAfterWrite)]
    public async Task Api_keys_created_under_one_kind_of_storage_fault_answer_201_or_503(StorageFault kind)
    {
        var faults = new StorageFaults(seed: 500 + (int)kind, rate: 0.3, kind);
        await using var server = await ServerFixture.StartAsync(_ => { }, configure: builder =>
        {
            builder.Services.Configure<TablePipelineOptions>(o => o.PerRetryPolicies.Add(faults));
        });

        faults.Start();
        var answers = await Task.WhenAll(Enumerable.Range(0, 40).Select(async i =>
        {
            using var response = await server.SendAsync(HttpMethod.Post, "v1/admin/api-keys", new { name = $"key-{i}", scope = "client" }, ServerFixture.AdminKey);
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }).ToList());
        faults.Stop();

        output.WriteLine(faults.ToString());
        Assert.Equal(40, answers.Length);
        Assert.All(answers, a => Assert.True(a.StatusCode is HttpStatusCode.Created or HttpStatusCode.ServiceUnavailable, $"{(int)a.StatusCode} {a.Body}"));
    }
}
