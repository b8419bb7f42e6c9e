using System.Text.Json;
using Licensing.Tests.Support;

namespace Licensing.Tests.Metering;

/// <summary>
/// Usage-based licensing over real HTTP against Azurite: overage flagged, refusals with their reasons, batches answered in
/// order, meters shown by validate, info and the admin view, resets, and the events in the trail.
/// </summary>
public sealed class MeteringTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const int Activation = 1;

    private static readonly object[] ExportsWithOverage = [new { code = "exports", limit = 10, resetPeriod = "month", overage = 5 }];

    /// <summary>The test clock's month (March 2026) ends on 1 April, UTC midnight.</summary>
    private static readonly long EndOfMarch = new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();

    [Fact]
    public async Task Units_past_the_limit_are_recorded_as_overage_until_the_overage_is_used_up_then_refused()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 1, extra: new { meters = ExportsWithOverage });

        var within = await RecordAsync(license, "exports", 8, "e-1");
        var past = await RecordAsync(license, "exports", 4, "e-2");
        var toTheEnd = await RecordAsync(license, "exports", 3, "e-3");
        var refused = await RecordAsync(license, "exports", 1, "e-4");

        Assert.Equal((true, 8L, 10L, 2L, false, false, null), UsageAsserts.Of(within));
        Assert.Equal((true, 12L, 10L, 0L, true, false, null), UsageAsserts.Of(past));
        Assert.Equal((true, 15L, 10L, 0L, true, false, null), UsageAsserts.Of(toTheEnd));
        Assert.Equal((false, 15L, 10L, 0L, false, false, "usage_limit_reached"), UsageAsserts.Of(refused));
        Assert.Equal("exports", refused.GetProperty("meter").GetString());
        Assert.Equal(EndOfMarch, refused.GetProperty("periodEndsAt").GetProperty("seconds").GetInt64());
        Assert.Equal(15L, await UsageAsserts.StoredUsedAsync(server, license.LicenseId, "exports"));
    }

    [Fact]
    public async Task A_use_too_big_for_what_is_left_is_refused_whole_and_counts_nothing()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 1, extra: new { meters = new[] { new { code = "tokens", limit = 100 } } });
        await RecordAsync(license, "tokens", 90, "t-1");

        var tooBig = await RecordAsync(license, "tokens", 11, "t-2");
        var fits = await RecordAsync(license, "tokens", 10, "t-3");

        Assert.Equal((false, 90L, 100L, 10L, false, false, "usage_limit_reached"), UsageAsserts.Of(tooBig));
        Assert.Equal((true, 100L, 100L, 0L, false, false, null), UsageAsserts.Of(fits));
        Assert.Equal(JsonValueKind.Null, fits.GetProperty("periodEndsAt").ValueKind);
    }

    [Fact]
    public async Task A_retry_of_a_counted_use_gets_its_first_answer_even_once_the_meter_is_full()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 1, extra: new { meters = new[] { new { code = "renders", limit = 3 } } });
        var first = await RecordAsync(license, "renders", 2, "r-1");
        await RecordAsync(license, "renders", 1, "r-2");

        var retried = await RecordAsync(license, "renders", 2, "r-1");

        Assert.Equal((true, 2L, 3L, 1L, false, false, null), UsageAsserts.Of(first));
        Assert.Equal((true, 2L, 3L, 1L, false, true, null), UsageAsserts.Of(retried));
        Assert.Equal(3L, await UsageAsserts.StoredUsedAsync(server, license.LicenseId, "renders"));
    }

    [Fact]
    public async Task Uses_the_license_cannot_take_are_not_recorded_and_say_why()
    {
        var metered = new { meters = new[] { new { code = "exports", limit = 10 } } };
        var license = await server.CreateLicenseAsync(Activation, seats: 1, extra: metered);
        var suspended = await server.CreateLicenseAsync(Activation, seats: 1, extra: metered);
        await server.SendForJsonAsync(HttpMethod.Patch, $"v1/admin/licenses/{suspended.LicenseId}", new { suspended = true }, ServerFixture.AdminKey);
        var revoked = await server.CreateLicenseAsync(Activation, seats: 1, extra: metered);
        await server.SendForJsonAsync(HttpMethod.Patch, $"v1/admin/licenses/{revoked.LicenseId}", new { revoked = true }, ServerFixture.AdminKey);

        var unknownMeter = await RecordAsync(license, "renders", 1, "u-1");
        var unknownLicense = await RecordAsync(new License("lic_none", "NOONE-NOONE-NOONE-NOONE-NOONE"), "exports", 1, "u-2");
        var whileSuspended = await RecordAsync(suspended, "exports", 1, "u-3");
        var whileRevoked = await RecordAsync(revoked, "exports", 1, "u-4");

        Assert.Equal((false, 0L, null, null, false, false, "meter_not_found"), UsageAsserts.Of(unknownMeter));
        Assert.Equal((false, 0L, null, null, false, false, "license_not_found"), UsageAsserts.Of(unknownLicense));
        Assert.Equal((false, 0L, null, null, false, false, "license_suspended"), UsageAsserts.Of(whileSuspended));
        Assert.Equal((false, 0L, null, null, false, false, "license_revoked"), UsageAsserts.Of(whileRevoked));
        Assert.Equal("The license has no meter with this code; nothing was recorded.", unknownMeter.GetProperty("message").GetString());
        Assert.Null(await UsageAsserts.StoredUsedAsync(server, license.LicenseId, "renders"));
        Assert.Null(await UsageAsserts.StoredUsedAsync(server, suspended.LicenseId, "exports"));
        Assert.Empty(await UsageAsserts.StoredLedgerAsync(server, suspended.LicenseId));
    }

    [Fact]
    public async Task A_batch_is_answered_one_item_per_use_in_the_order_sent()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 1, extra: new
        {
            meters = new object[] { new { code = "exports", limit = 5 }, new { code = "api-calls" } },
        });

        var batch = await server.CallAsync("v1/license/usage", new
        {
            license.UserKey,
            machineId = "pc-1",
            events = new[]
            {
                new { meter = "exports", amount = 3L, eventId = "b-1" },
                new { meter = "api-calls", amount = 1000L, eventId = "b-2" },
                new { meter = "exports", amount = 3L, eventId = "b-3" },
                new { meter = "exports", amount = 3L, eventId = "b-1" },
                new { meter = "renders", amount = 1L, eventId = "b-4" },
            },
        });

        var items = batch.RootElement.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(5, items.Count);
        Assert.Equal((true, 3L, 5L, 2L, false, false, null), UsageAsserts.Of(items[0]));
        Assert.Equal((true, 1000L, null, null, false, false, null), UsageAsserts.Of(items[1]));
        Assert.Equal((false, 3L, 5L, 2L, false, false, "usage_limit_reached"), UsageAsserts.Of(items[2]));
        Assert.Equal((true, 3L, 5L, 2L, false, true, null), UsageAsserts.Of(items[3]));
        Assert.Equal((false, 0L, null, null, false, false, "meter_not_found"), UsageAsserts.Of(items[4]));
        Assert.Equal(["exports", "api-calls", "exports", "exports", "renders"], items.Select(i => i.GetProperty("meter").GetString()));
    }

    [Fact]
    public async Task Validate_info_and_the_admin_view_list_each_meter_with_its_count_limit_and_period_end()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 1, extra: new
        {
            meters = new object[] { new { code = "exports", limit = 10, resetPeriod = "month", overage = 5 }, new { code = "api-calls", resetPeriod = "day" } },
        });
        await server.CallAsync("v1/license/activate", new { license.UserKey, machineId = "pc-1" });
        await RecordAsync(license, "exports", 4, "v-1");

        var validate = await server.CallAsync("v1/license/validate", new { license.UserKey, machineId = "pc-1" });
        var info = await server.CallAsync("v1/license/info", new { license.UserKey, machineId = "pc-1" });
        var view = await server.SendForJsonAsync(HttpMethod.Get, $"v1/admin/licenses/{license.LicenseId}", null, ServerFixture.AdminKey);

        var endOfDay = new DateTimeOffset(2026, 3, 3, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        var expected =
            $$"""[{"code":"exports","used":4,"limit":10,"remaining":6,"periodEndsAt":{"seconds":{{EndOfMarch}},"nanos":0},"resetPeriod":"month","overage":5},""" +
            $$"""{"code":"api-calls","used":0,"limit":null,"remaining":null,"periodEndsAt":{"seconds":{{endOfDay}},"nanos":0},"resetPeriod":"day","overage":0}]""";
        Assert.True(validate.RootElement.GetProperty("success").GetBoolean(), validate.RootElement.GetRawText());
        Assert.Equal(expected, validate.RootElement.GetProperty("meters").GetRawText());
        Assert.Equal(expected, info.RootElement.GetProperty("meters").GetRawText());
        Assert.Equal(expected, view.RootElement.GetProperty("meters").GetRawText());
    }

    [Fact]
    public async Task A_license_without_meters_shows_an_empty_list_and_its_validate_reads_no_meter_rows()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 1);
        await server.CallAsync("v1/license/activate", new { license.UserKey, machineId = "pc-1" });

        server.StorageRequests.Reset();
        var validate = await server.CallAsync("v1/license/validate", new { license.UserKey, machineId = "pc-1" });
        var requests = server.StorageRequests.Requests.Where(r => r.PartitionKey == license.LicenseId).ToList();
        var info = await server.CallAsync("v1/license/info", new { license.UserKey, machineId = "pc-1" });

        Assert.Equal("[]", validate.RootElement.GetProperty("meters").GetRawText());
        Assert.Equal("[]", info.RootElement.GetProperty("meters").GetRawText());
        Assert.All(requests, r => Assert.True(r.IsPointRead || r.Method != "GET", r.ToString()));
    }

    [Fact]
    public async Task A_reset_starts_the_count_again_and_the_limit_event_comes_once_per_period_and_again_after_a_reset()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 1, extra: new { meters = ExportsWithOverage });
        await RecordAsync(license, "exports", 10, "x-1");
        await RecordAsync(license, "exports", 2, "x-2");
        await RecordAsync(license, "exports", 9, "x-3");

        var reset = await server.AdminPostAsync($"v1/admin/licenses/{license.LicenseId}/meters/exports/reset", new { });
        var after = await RecordAsync(license, "exports", 10, "x-4");
        var retryOfOld = await RecordAsync(license, "exports", 10, "x-1");

        Assert.Equal(0L, reset.RootElement.GetProperty("meters")[0].GetProperty("used").GetInt64());
        Assert.Equal((true, 10L, 10L, 0L, false, false, null), UsageAsserts.Of(after));
        Assert.Equal((true, 10L, 10L, 0L, false, true, null), UsageAsserts.Of(retryOfOld));
        var events = await server.StoredEventsAsync(license.LicenseId);
        Assert.Equal(
            ["usage.limit_reached", "meter.reset", "usage.limit_reached", "license.created"],
            events.Select(e => e.GetString("Type")));
        Assert.Equal(
            $$$"""{"meter":"exports","used":10,"limit":10,"periodEndsAt":{"seconds":{{{EndOfMarch}}},"nanos":0}}""",
            events[2].GetString("Changes"));
        Assert.Equal(
            $$$"""{"meter":"exports","used":0,"limit":10,"periodEndsAt":{"seconds":{{{EndOfMarch}}},"nanos":0}}""",
            events[1].GetString("Changes"));
    }

    [Fact]
    public async Task Resetting_a_meter_the_license_lacks_or_of_an_unknown_license_is_a_404_with_its_code()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 1, extra: new { meters = ExportsWithOverage });

        using var noMeter = await server.SendAsync(HttpMethod.Post, $"v1/admin/licenses/{license.LicenseId}/meters/renders/reset", new { }, ServerFixture.AdminKey);
        using var noLicense = await server.SendAsync(HttpMethod.Post, "v1/admin/licenses/lic_aaaaaaaaaaaaaaaaaaaaaaaaaa/meters/exports/reset", new { }, ServerFixture.AdminKey);

        Assert.Equal((404, "meter_not_found"), (StatusOf(noMeter), await CodeOf(noMeter)));
        Assert.Equal((404, "license_not_found"), (StatusOf(noLicense), await CodeOf(noLicense)));
    }

    [Fact]
    public async Task Meters_of_a_policy_are_copied_to_licenses_made_from_it_and_a_patch_replaces_a_license_meters()
    {
        var policy = await server.AdminPostAsync("v1/admin/policies", new
        {
            name = "Metered", licensingMode = Activation, maxClientCount = 1,
            meters = new object[] { new { code = "exports", limit = 100, resetPeriod = "month" } },
        });
        var policyId = policy.RootElement.GetProperty("policyId").GetString();
        var created = await server.AdminPostAsync("v1/admin/licenses", new { policyId });
        var licenseId = created.RootElement.GetProperty("licenseId").GetString();

        var patched = await server.SendForJsonAsync(HttpMethod.Patch, $"v1/admin/licenses/{licenseId}", new
        {
            meters = new object[] { new { code = "exports", limit = 200, resetPeriod = "week", overage = 20 } },
        }, ServerFixture.AdminKey);

        Assert.Equal("""[{"code":"exports","limit":100,"resetPeriod":"month","overage":0}]""", policy.RootElement.GetProperty("meters").GetRawText());
        Assert.Equal(
            $$"""[{"code":"exports","used":0,"limit":100,"remaining":100,"periodEndsAt":{"seconds":{{EndOfMarch}},"nanos":0},"resetPeriod":"month","overage":0}]""",
            created.RootElement.GetProperty("meters").GetRawText());
        var endOfWeek = new DateTimeOffset(2026, 3, 9, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        Assert.Equal(
            $$"""[{"code":"exports","used":0,"limit":200,"remaining":200,"periodEndsAt":{"seconds":{{endOfWeek}},"nanos":0},"resetPeriod":"week","overage":20}]""",
            patched.RootElement.GetProperty("meters").GetRawText());
        var updated = (await server.StoredEventsAsync(licenseId!)).First();
        Assert.Equal(
            """{"meters":[{"code":"exports","limit":200,"resetPeriod":"week","overage":20}]}""",
            updated.GetString("Changes"));
    }

    private async Task<JsonElement> RecordAsync(License license, string meter, long amount, string eventId) =>
        (await server.CallAsync("v1/license/usage", new { license.UserKey, machineId = "pc-1", meter, amount, eventId })).RootElement.Clone();

    private static int StatusOf(HttpResponseMessage response) => (int)response.StatusCode;

    private static async Task<string?> CodeOf(HttpResponseMessage response) =>
        (await ServerFixture.ReadJsonAsync(response)).RootElement.GetProperty("code").GetString();
}
