using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Licensing.LocalHost;
using Licensing.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Tests.EndToEnd;

/// <summary>A server whose storage does not answer: every call that needs it is a 503 with Retry-After, never a 500.</summary>
public sealed class StorageUnavailableTests : IAsyncLifetime
{
    /// <summary>README, "How it is checked": with storage stopped, calls answer 503 within 10 s.</summary>
    private static readonly TimeSpan PromisedAnswerTime = TimeSpan.FromSeconds(10);

    private WebApplication? _app;
    private HttpClient Http { get; set; } = null!;

    public async Task InitializeAsync()
    {
        var closedStorage = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
            + $"TableEndpoint=http://127.0.0.1:{ClosedPort()}/devstoreaccount1;";
        var settings = TestStorage.ServerSettings(ServerFixture.AdminKey, closedStorage);
        _app = LocalFunctionsHost.Build([], settings);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Http = new HttpClient { BaseAddress = new Uri(address), Timeout = PromisedAnswerTime + TimeSpan.FromSeconds(5) };
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await _app!.DisposeAsync();
    }

    [Theory]
    [InlineData("v1/admin/licenses", "{\"licensingMode\": 2, \"maxClientCount\": 1}", ServerFixture.AdminKey)]
    [InlineData("v1/license/request", "{\"userKey\": \"ABCDE-FGHIJ\", \"machineId\": \"m1\"}", "lk_aaaaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb")]
    public async Task A_call_that_needs_storage_answers_503_with_retry_after_within_the_ten_seconds_the_readme_promises(string route, string body, string apiKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, route) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("x-api-key", apiKey);
        // The promise is the bound: an answer that has not come by then cancels the call and fails the test.
        using var promised = new CancellationTokenSource(PromisedAnswerTime);

        using var response = await Http.SendAsync(request, promised.Token);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync(promised.Token));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        var expected = new JsonObject
        {
            ["type"] = "https://httpstatuses.io/503",
            ["title"] = "Storage is unavailable.",
            ["status"] = 503,
            ["detail"] = "Try again shortly.",
            ["code"] = "storage_unavailable",
        };
        Assert.True(JsonNode.DeepEquals(expected, problem), problem?.ToJsonString());
    }

    [Fact]
    public async Task A_license_calls_503_is_signed_and_echoes_the_nonce()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/license/request")
        {
            Content = new StringContent("{\"userKey\": \"ABCDE-FGHIJ\", \"machineId\": \"m1\"}", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-api-key", "lk_aaaaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
        request.Headers.Add("Licensing-Nonce", "outage-nonce");

        using var response = await Http.SendAsync(request);
        var answer = await HttpMessageSignature.OfAsync(response);
        var jwks = System.Text.Json.JsonDocument.Parse(await Http.GetStringAsync("v1/license/keys")).RootElement;

        Assert.Equal(503, answer.Status);
        Assert.Equal("outage-nonce", answer.Headers["Licensing-Nonce"]);
        Assert.True(answer.Verifies(jwks), answer.SignatureBase());
    }

    [Fact]
    public async Task Calls_that_need_no_storage_still_answer()
    {
        using var keys = await Http.GetAsync("v1/license/keys");

        Assert.Equal(HttpStatusCode.OK, keys.StatusCode);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
