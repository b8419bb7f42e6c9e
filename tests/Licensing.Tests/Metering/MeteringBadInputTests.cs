using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Licensing.Tests.Support;

namespace Licensing.Tests.Metering;

/// <summary>A usage call with a wrong part is a 400 naming the field, and nothing of it is counted, not even its good uses.</summary>
public sealed class MeteringBadInputTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const int Activation = 1;

    public static TheoryData<string, string> BadUses => new()
    {
        { """{"amount": 0}""", "amount" },
        { """{"amount": -3}""", "amount" },
        { """{"amount": 1.5}""", "amount" },
        { """{"amount": 1000001}""", "amount" },
        { """{"amount": "5"}""", "amount" },
        { """{"eventId": null}""", "eventId" },
        { """{"eventId": ""}""", "eventId" },
        { $$"""{"eventId": "{{new string('e', 129)}}"}""", "eventId" },
        { """{"eventId": "has space"}""", "eventId" },
        { """{"eventId": "slash/y"}""", "eventId" },
        { """{"eventId": "ünïcode"}""", "eventId" },
        { """{"meter": "Exports"}""", "meter" },
        { """{"meter": null}""", "meter" },
    };

    [Theory]
    [MemberData(nameof(BadUses))]
    public async Task A_bad_use_is_a_400_naming_its_field_and_counts_nothing(string change, string field)
    {
        var license = await MeteredLicenseAsync();
        var body = new JsonObject { ["userKey"] = license.UserKey, ["machineId"] = "pc-1", ["meter"] = "exports", ["amount"] = 1, ["eventId"] = "good-1" };
        foreach (var (name, value) in JsonNode.Parse(change)!.AsObject())
        {
            body[name] = value?.DeepClone();
        }

        using var response = await server.SendAsync(HttpMethod.Post, "v1/license/usage", body, server.ClientKey);

        await AssertProblemAsync(response, field);
        Assert.Null(await UsageAsserts.StoredUsedAsync(server, license.LicenseId, "exports"));
    }

    [Fact]
    public async Task A_batch_of_more_than_a_hundred_uses_is_a_400_on_events_and_counts_none()
    {
        var license = await MeteredLicenseAsync();
        var events = Enumerable.Range(0, 101).Select(i => new { meter = "exports", amount = 1, eventId = $"e-{i}" }).ToArray();

        using var response = await server.PostAsync("v1/license/usage", new { license.UserKey, machineId = "pc-1", events });

        await AssertProblemAsync(response, "events");
        Assert.Null(await UsageAsserts.StoredUsedAsync(server, license.LicenseId, "exports"));
    }

    [Fact]
    public async Task One_bad_use_in_a_batch_is_a_400_naming_its_index_and_the_good_uses_are_not_counted_either()
    {
        var license = await MeteredLicenseAsync();
        var events = new object[]
        {
            new { meter = "exports", amount = 1, eventId = "e-0" },
            new { meter = "exports", amount = 0, eventId = "e-1" },
            new { meter = "exports", amount = 1, eventId = "e-2" },
        };

        using var response = await server.PostAsync("v1/license/usage", new { license.UserKey, machineId = "pc-1", events });

        await AssertProblemAsync(response, "events[1].amount");
        Assert.Null(await UsageAsserts.StoredUsedAsync(server, license.LicenseId, "exports"));
        Assert.Empty(await UsageAsserts.StoredLedgerAsync(server, license.LicenseId));
    }

    [Fact]
    public async Task An_empty_batch_and_a_body_with_both_one_use_and_a_batch_are_400s()
    {
        var license = await MeteredLicenseAsync();

        using var empty = await server.PostAsync("v1/license/usage", new { license.UserKey, machineId = "pc-1", events = Array.Empty<object>() });
        using var both = await server.PostAsync("v1/license/usage", new
        {
            license.UserKey, machineId = "pc-1", meter = "exports", amount = 1, eventId = "x", events = new[] { new { meter = "exports", amount = 1, eventId = "y" } },
        });

        await AssertProblemAsync(empty, "events");
        await AssertProblemAsync(both, "meter", "amount", "eventId");
        Assert.Null(await UsageAsserts.StoredUsedAsync(server, license.LicenseId, "exports"));
    }

    public static TheoryData<string, string> BadMeters => new()
    {
        { """[{"code": "Exports"}]""", "meters[0].code" },
        { """[{"code": "exports", "resetPeriod": "hour"}]""", "meters[0].resetPeriod" },
        { """[{"code": "exports", "limit": -1}]""", "meters[0].limit" },
        { """[{"code": "exports", "overage": 5}]""", "meters[0].overage" },
        { """[{"code": "exports"}, {"code": "exports"}]""", "meters[1].code" },
        { """{"code": "exports"}""", "meters" },
    };

    [Theory]
    [MemberData(nameof(BadMeters))]
    public async Task A_license_with_a_bad_meter_is_refused_with_the_meter_field_named(string meters, string field)
    {
        var body = new JsonObject { ["licensingMode"] = Activation, ["maxClientCount"] = 1, ["meters"] = JsonNode.Parse(meters) };

        using var response = await server.SendAsync(HttpMethod.Post, "v1/admin/licenses", body, ServerFixture.AdminKey);

        await AssertProblemAsync(response, field);
    }

    private Task<License> MeteredLicenseAsync() =>
        server.CreateLicenseAsync(Activation, seats: 1, extra: new { meters = new[] { new { code = "exports", limit = 10 } } });

    private static async Task AssertProblemAsync(HttpResponseMessage response, params string[] fields)
    {
        var problem = (await ServerFixture.ReadJsonAsync(response)).RootElement;
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, problem.GetRawText());
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
        Assert.Equal(fields, problem.GetProperty("errors").EnumerateObject().Select(p => p.Name));
    }
}
