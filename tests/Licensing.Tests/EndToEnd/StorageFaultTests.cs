using Licensing.Storage;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Licensing.Tests.EndToEnd;

/// <summary>Storage failing under the server's calls: clients see 200 or 503 with Retry-After, never a 500.</summary>
public sealed class StorageFaultTests
{
    [Fact]
    public async Task A_release_whose_answer_is_lost_on_every_try_answers_503_and_the_release_it_committed_stands()
    {
        var faults = new StorageFaults(seed: 1, rate: 1, StorageFault.LostAfterWrite);
        await using var server = await StartAsync(faults);
        var license = await server.CreateLicenseAsync(mode: 2, seats: 2);
        var token = (await server.CallAsync("v1/license/request", new { license.UserKey, machineId = "m1" })).RootElement.GetProperty("licenseToken").GetString();

        faults.Start();
        using var lost = await server.PostAsync("v1/license/release", new { licenseToken = token, machineId = "m1" });
        faults.Stop();
        var again = (await server.CallAsync("v1/license/release", new { licenseToken = token, machineId = "m1" })).RootElement;

        Assert.Equal(3, faults.Injected(StorageFault.LostAfterWrite));
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, lost.StatusCode);
        Assert.NotNull(lost.Headers.RetryAfter);
        Assert.Equal(0, again.GetProperty("activeClientCount").GetInt32());
        Assert.Equal(0, (await server.StoredLicenseRowAsync(license.LicenseId))!.GetInt32("LiveSeats"));
    }

    private static Task<ServerFixture> StartAsync(StorageFaults faults) =>
        ServerFixture.StartAsync(_ => { }, configure: builder =>
        {
            builder.Services.Configure<TablePipelineOptions>(o => o.PerRetryPolicies.Add(faults));
            // Every injected fault logs a warning; keep the test output to what matters.
            builder.Logging.SetMinimumLevel(LogLevel.Error);
        });
}
