using Azure.Core;
using Licensing.Storage;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Tests.EndToEnd;

/// <summary>
/// A transaction that committed but whose answer was lost is retried by the SDK and loses its ETag race: the call
/// must see its own committed change, never grant a second seat, never lose the grant.
/// </summary>
public sealed class LostResponseTests : IAsyncLifetime
{
    private readonly LostResponseAfterCommit _fault = new();
    private ServerFixture _server = null!;

    public async Task InitializeAsync() =>
        _server = await ServerFixture.StartAsync(_ => { }, configure: builder =>
            builder.Services.Configure<TablePipelineOptions>(o => o.PerRetryPolicies.Add(_fault)));

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task A_grant_whose_answer_was_lost_is_granted_once_and_holds_one_seat()
    {
        var license = await _server.CreateLicenseAsync(mode: 2, seats: 2);
        _fault.ArmOnce();

        var granted = (await _server.CallAsync("v1/license/request", new { license.UserKey, machineId = "m1" })).RootElement;
        var again = (await _server.CallAsync("v1/license/request", new { license.UserKey, machineId = "m2" })).RootElement;

        Assert.Equal(1, _fault.Fired);
        Assert.True(granted.GetProperty("granted").GetBoolean(), granted.GetRawText());
        Assert.Equal(1, granted.GetProperty("activeClientCount").GetInt32());
        Assert.True(again.GetProperty("granted").GetBoolean());
        Assert.Equal(2, (await _server.StoredLicenseRowAsync(license.LicenseId))!.GetInt32("LiveSeats"));
        Assert.Equal(3, (await _server.StoredRowsAsync(license.LicenseId)).Count);
        var grants = (await _server.StoredEventsAsync(license.LicenseId)).Where(e => e.GetString("Type") == "seat.granted").ToList();
        Assert.Equal(["m2", "m1"], grants.Select(e => e.GetString("MachineId")));
    }

    [Fact]
    public async Task A_use_whose_storage_answer_was_lost_is_counted_once_and_answered_as_recorded_not_as_a_duplicate()
    {
        var license = await _server.CreateLicenseAsync(mode: 1, seats: 1, extra: new { meters = new[] { new { code = "exports", limit = 10 } } });
        _fault.ArmOnce();

        var recorded = (await _server.CallAsync("v1/license/usage", new { license.UserKey, machineId = "pc-1", meter = "exports", amount = 4, eventId = "e-1" })).RootElement;

        Assert.Equal(1, _fault.Fired);
        Assert.Equal((true, 4L, false), (recorded.GetProperty("recorded").GetBoolean(), recorded.GetProperty("used").GetInt64(), recorded.GetProperty("duplicate").GetBoolean()));
        Assert.Equal(4L, await Licensing.Tests.Metering.UsageAsserts.StoredUsedAsync(_server, license.LicenseId, "exports"));
    }

    [Fact]
    public async Task An_activation_whose_answer_was_lost_is_activated_once()
    {
        var license = await _server.CreateLicenseAsync(mode: 1, seats: 1);
        _fault.ArmOnce();

        var activated = (await _server.CallAsync("v1/license/activate", new { license.UserKey, machineId = "pc-1" })).RootElement;

        Assert.Equal(1, _fault.Fired);
        Assert.True(activated.GetProperty("success").GetBoolean(), activated.GetRawText());
        Assert.Equal(1, (await _server.StoredLicenseRowAsync(license.LicenseId))!.GetInt32("LiveSeats"));
    }

    [Fact]
    public async Task A_release_whose_answer_was_lost_frees_exactly_one_seat()
    {
        var license = await _server.CreateLicenseAsync(mode: 2, seats: 2);
        var token = (await _server.CallAsync("v1/license/request", new { license.UserKey, machineId = "m1" })).RootElement.GetProperty("licenseToken").GetString();
        await _server.CallAsync("v1/license/request", new { license.UserKey, machineId = "m2" });
        _fault.ArmOnce();

        var released = (await _server.CallAsync("v1/license/release", new { licenseToken = token, machineId = "m1" })).RootElement;

        Assert.Equal(1, _fault.Fired);
        Assert.Equal(1, released.GetProperty("activeClientCount").GetInt32());
        Assert.Equal(1, (await _server.StoredLicenseRowAsync(license.LicenseId))!.GetInt32("LiveSeats"));
    }

    [Fact]
    public async Task An_api_key_whose_creation_answer_was_lost_is_created_once_and_shown()
    {
        var license = await _server.CreateLicenseAsync(mode: 1, seats: 1);
        _fault.ArmOnce();

        using var created = await _server.SendAsync(HttpMethod.Post, "v1/admin/api-keys", new { name = "lost-answer", scope = "client" }, ServerFixture.AdminKey);
        var body = (await ServerFixture.ReadJsonAsync(created)).RootElement;

        Assert.Equal(1, _fault.Fired);
        Assert.True(created.StatusCode == System.Net.HttpStatusCode.Created, body.GetRawText());
        var key = body.GetProperty("key").GetString();
        using var used = await _server.PostAsync("v1/license/validate", new { license.UserKey, machineId = "pc-1" }, apiKey: key);
        Assert.Equal(System.Net.HttpStatusCode.OK, used.StatusCode);
        var listed = await _server.SendForJsonAsync(HttpMethod.Get, "v1/admin/api-keys", null, ServerFixture.AdminKey);
        Assert.Single(listed.RootElement.GetProperty("items").EnumerateArray(), k => k.GetProperty("name").GetString() == "lost-answer");
    }

    [Fact]
    public async Task A_license_whose_creation_answer_was_lost_is_created_once_and_shown_with_its_generated_user_key()
    {
        _fault.ArmOnce();

        using var created = await _server.SendAsync(HttpMethod.Post, "v1/admin/licenses", new { licensingMode = 2, maxClientCount = 3 }, ServerFixture.AdminKey);
        var body = (await ServerFixture.ReadJsonAsync(created)).RootElement;

        Assert.Equal(1, _fault.Fired);
        Assert.True(created.StatusCode == System.Net.HttpStatusCode.Created, body.GetRawText());
        var license = new License(body.GetProperty("licenseId").GetString()!, body.GetProperty("userKey").GetString()!);
        var granted = (await _server.CallAsync("v1/license/request", new { license.UserKey, machineId = "m1" })).RootElement;
        Assert.True(granted.GetProperty("granted").GetBoolean(), granted.GetRawText());
        Assert.Single(await _server.StoredEventsAsync(license.LicenseId), e => e.GetString("Type") == "license.created");
    }
}
