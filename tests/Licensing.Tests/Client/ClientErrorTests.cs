using System.Net;
using System.Net.Sockets;
using System.Text;
using Licensing.Client;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Tests.Client;

/// <summary>Every way a call can fail comes out as the one LicensingException, saying which way, never with the key.</summary>
public sealed class ClientErrorTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const string SecretKey = "lk_abcdefghij_abcdefghijklmnopqrstuvwxyzabcdef";

    [Fact]
    public async Task A_wrong_url_is_reported_as_unreachable_naming_the_url()
    {
        var url = new Uri($"http://127.0.0.1:{ClosedPort()}/");
        using var client = new LicensingClient(new HttpClient(), new LicensingClientOptions { BaseAddress = url, ApiKey = SecretKey });

        var failure = await Assert.ThrowsAsync<LicensingException>(() => client.GetKeysAsync());

        Assert.Equal(LicensingErrorKind.Unreachable, failure.Kind);
        Assert.Contains(url.ToString(), failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretKey, failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_key_is_reported_as_unauthorized_without_the_key()
    {
        var license = await server.CreateLicenseAsync(mode: 2, seats: 1);
        using var client = new LicensingClient(new HttpClient(), new LicensingClientOptions { BaseAddress = server.Http.BaseAddress, ApiKey = SecretKey }, server.Clock);

        var failure = await Assert.ThrowsAsync<LicensingException>(() => client.RequestAsync(new ClientIdentity(license.UserKey, "m1")));

        Assert.Equal(LicensingErrorKind.Unauthorized, failure.Kind);
        Assert.Equal(401, failure.StatusCode);
        Assert.DoesNotContain(SecretKey, failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_problem_answer_carries_its_status_code_and_field_errors()
    {
        var license = await server.CreateLicenseAsync(mode: 2, seats: 1);
        using var client = NewClient();

        var failure = await Assert.ThrowsAsync<LicensingException>(() => client.RequestAsync(new ClientIdentity(license.UserKey, "")));

        Assert.Equal(LicensingErrorKind.Problem, failure.Kind);
        Assert.Equal(400, failure.StatusCode);
        Assert.Equal("validation_failed", failure.Code);
        Assert.True(failure.Errors.ContainsKey("machineId"));
        Assert.False(failure.IsTransient);
    }

    [Fact]
    public async Task A_server_that_answers_garbage_is_reported_as_not_this_api()
    {
        using var client = new LicensingClient(new HttpClient(new StubHandler(_ =>
            new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("<html>Welcome to nginx</html>", Encoding.UTF8, "text/html") })),
            new LicensingClientOptions { BaseAddress = new Uri("http://licensing.invalid/"), ApiKey = SecretKey });

        var failure = await Assert.ThrowsAsync<LicensingException>(() => client.GetKeysAsync());

        Assert.Equal(LicensingErrorKind.InvalidResponse, failure.Kind);
        Assert.Contains("text/html", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_answers_broken_json_is_reported_as_not_this_api()
    {
        using var client = new LicensingClient(new HttpClient(new StubHandler(_ =>
            new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{\"keys\": [", Encoding.UTF8, "application/json") })),
            new LicensingClientOptions { BaseAddress = new Uri("http://licensing.invalid/"), ApiKey = SecretKey });

        var failure = await Assert.ThrowsAsync<LicensingException>(() => client.GetKeysAsync());

        Assert.Equal(LicensingErrorKind.InvalidResponse, failure.Kind);
    }

    [Fact]
    public async Task A_server_that_does_not_answer_in_time_is_reported_as_a_timeout()
    {
        using var client = new LicensingClient(new HttpClient(new StubHandler(async ct =>
            {
                await Task.Delay(TimeSpan.FromSeconds(30), ct);
                return new HttpResponseMessage(HttpStatusCode.OK);
            })),
            new LicensingClientOptions { BaseAddress = new Uri("http://licensing.invalid/"), ApiKey = SecretKey, Timeout = TimeSpan.FromMilliseconds(300) });

        var failure = await Assert.ThrowsAsync<LicensingException>(() => client.GetKeysAsync());

        Assert.Equal(LicensingErrorKind.Timeout, failure.Kind);
        Assert.True(failure.IsTransient);
    }

    [Fact]
    public async Task A_client_from_dependency_injection_reaches_the_server()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(server.Clock);
        services.AddLicensingClient(o =>
        {
            o.BaseAddress = server.Http.BaseAddress;
            o.ApiKey = server.ClientKey;
        });
        await using var provider = services.BuildServiceProvider();
        var license = await server.CreateLicenseAsync(mode: 1, seats: 1);

        var client = provider.GetRequiredService<LicensingClient>();
        var activated = await client.ActivateAsync(new ClientIdentity(license.UserKey, "di-machine"));

        Assert.True(activated.Success, activated.Message);
        Assert.Equal(license.LicenseId, activated.License!.LicenseId);
        Assert.Equal(LicensingMode.Activation, activated.License.LicensingMode);
    }

    [Fact]
    public void The_machine_id_is_a_stable_salted_hash_that_reveals_nothing_of_the_platform_id()
    {
        var raw = "4c4c4544-0042-3510-8051-b7c04f4e4d32";

        var first = MachineIdentity.Hash("vendor-a", raw);

        Assert.Equal(first, MachineIdentity.Hash("vendor-a", raw.ToUpperInvariant()));
        Assert.NotEqual(first, MachineIdentity.Hash("vendor-b", raw));
        Assert.Matches("^[0-9a-f]{64}$", first);
        Assert.DoesNotContain("4c4c4544", first, StringComparison.Ordinal);
        Assert.Equal(MachineIdentity.Get("vendor-a"), MachineIdentity.Get("vendor-a"));
    }

    private LicensingClient NewClient() =>
        new(new HttpClient(), new LicensingClientOptions { BaseAddress = server.Http.BaseAddress, ApiKey = server.ClientKey }, server.Clock);

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A server stand-in for answers the real one never gives (garbage, silence).</summary>
    private sealed class StubHandler(Func<CancellationToken, Task<HttpResponseMessage>> answer) : HttpMessageHandler
    {
        public StubHandler(Func<HttpRequestMessage, HttpResponseMessage> answer)
            : this(_ => Task.FromResult(answer(null!)))
        {
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => answer(cancellationToken);
    }
}
