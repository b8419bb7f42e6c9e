using System.Globalization;
using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Licensing.Tests.Support;

namespace Licensing.Tests.EndToEnd;

/// <summary>
/// Seat usage per UTC hour (GET /v1/admin/licenses/{id}/usage): the peak of live seats and the grants kept by the seat
/// changes' own transactions, a quiet hour holding the seats left before it, and refusals counted in memory and written
/// at most once a minute per license.
/// </summary>
public sealed class UsageHistoryTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const int Activation = 1;
    private const int Floating = 2;
    private const int OneDay = 86_400;

    [Fact]
    public async Task Each_hour_answers_its_peak_of_live_seats_and_its_grants_and_a_quiet_hour_holds_the_seats_left_before_it()
    {
        var hour0 = StartOfNextHour().AddMinutes(5);
        server.Clock.SetUtcNow(hour0);
        var license = await server.CreateLicenseAsync(Floating, seats: 3, heartbeatSeconds: OneDay);
        var a = await RequestAsync(license, "a");
        await RequestAsync(license, "b");
        await RequestAsync(license, "c");
        await ReleaseAsync(a, "a");

        server.Clock.SetUtcNow(hour0.AddHours(1));
        await RequestAsync(license, "d");
        await ReleaseAsync(await RequestAsync(license, "b"), "b");
        await ReleaseAsync(await RequestAsync(license, "c"), "c");
        server.Clock.SetUtcNow(hour0.AddHours(3).AddMinutes(20));

        var hours = await UsageAsync(license, $"from={Rfc3339(hour0.AddHours(-2))}&to={Rfc3339(server.Clock.GetUtcNow())}");

        var first = TruncateToHour(hour0);
        Assert.Equal(
            [(first, 3, 3, 0L), (first.AddHours(1), 3, 1, 0L), (first.AddHours(2), 1, 0, 0L), (first.AddHours(3), 1, 0, 0L)],
            hours);
        var stored = await StoredUsageRowsAsync(license);
        Assert.Equal(2, stored.Count);
        Assert.Equal((3, 3, 0, 2), Tally(stored[0]));
        Assert.Equal((3, 1, 2, 1), Tally(stored[1]));
        var licenseRow = (await server.StoredLicenseRowAsync(license.LicenseId))!;
        Assert.Equal((first.AddHours(1), 3, 1, 2, 1), (licenseRow.GetDateTimeOffset("UsageHour"), Tally(licenseRow).Peak, Tally(licenseRow).Grants, Tally(licenseRow).Start, Tally(licenseRow).End));
    }

    [Fact]
    public async Task A_span_without_seat_changes_answers_the_seats_the_next_change_started_from()
    {
        var hour0 = StartOfNextHour().AddMinutes(1);
        server.Clock.SetUtcNow(hour0);
        var license = await server.CreateLicenseAsync(Activation, seats: 2);
        await ActivateAsync(license, "m1");
        await ActivateAsync(license, "m2");
        server.Clock.SetUtcNow(hour0.AddHours(5));
        var quietWhileNothingFollows = await UsageAsync(license, $"from={Seconds(hour0.AddHours(2))}&to={Seconds(TruncateToHour(hour0).AddHours(3))}");
        using var deactivated = await server.CallAsync("v1/license/deactivate", new { license.UserKey, machineId = "m1" });

        var quiet = await UsageAsync(license, $"from={Seconds(hour0.AddHours(2))}&to={Seconds(TruncateToHour(hour0).AddHours(3))}");
        var changed = await UsageAsync(license, $"from={Seconds(hour0.AddHours(5))}&to={Seconds(hour0.AddHours(5))}");

        var first = TruncateToHour(hour0);
        Assert.Equal([(first.AddHours(2), 2, 0, 0L), (first.AddHours(3), 2, 0, 0L)], quietWhileNothingFollows);
        Assert.Equal(1, deactivated.RootElement.GetProperty("activeClientCount").GetInt32());
        Assert.Equal([(first.AddHours(2), 2, 0, 0L), (first.AddHours(3), 2, 0, 0L)], quiet);
        Assert.Equal([(first.AddHours(5), 2, 0, 0L)], changed);
    }

    [Fact]
    public async Task Refusals_are_answered_at_once_and_written_to_storage_at_most_once_a_minute()
    {
        server.Clock.SetUtcNow(StartOfNextHour().AddMinutes(10));
        var license = await server.CreateLicenseAsync(Floating, seats: 1, heartbeatSeconds: OneDay);
        var hour = TruncateToHour(server.Clock.GetUtcNow());
        await RequestAsync(license, "holder");
        foreach (var machine in new[] { "x1", "x2", "x3" })
        {
            Assert.Equal("seats_exhausted", (await RequestAsync(license, machine)).GetProperty("reason").GetString());
        }

        var beforeWrite = await UsageAsync(license, "");
        var rowsBeforeWrite = await StoredDenialRowsAsync(license);
        server.Clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal("seats_exhausted", (await RequestAsync(license, "x4")).GetProperty("reason").GetString());
        var rowsAfterWrite = await StoredDenialRowsAsync(license);

        Assert.Equal((hour, 1, 1, 3L), beforeWrite[^1]);
        Assert.Empty(rowsBeforeWrite);
        Assert.Single(rowsAfterWrite);
        Assert.Equal(4L, rowsAfterWrite[0].GetInt64("Denials"));
        Assert.Equal((hour, 1, 1, 4L), (await UsageAsync(license, ""))[^1]);
    }

    [Fact]
    public async Task The_default_span_is_the_last_30_days_from_the_license_creation_on()
    {
        server.Clock.SetUtcNow(StartOfNextHour().AddMinutes(10));
        var license = await server.CreateLicenseAsync(Floating, seats: 2, heartbeatSeconds: OneDay);
        var created = TruncateToHour(server.Clock.GetUtcNow());
        await RequestAsync(license, "only");
        server.Clock.Advance(TimeSpan.FromDays(31));

        var hours = await UsageAsync(license, "");

        Assert.Equal((30 * 24) + 1, hours.Count);
        Assert.Equal((TruncateToHour(server.Clock.GetUtcNow()).AddDays(-30), 1, 0, 0L), hours[0]);
        Assert.Equal((TruncateToHour(server.Clock.GetUtcNow()), 1, 0, 0L), hours[^1]);
        Assert.True(hours[0].Hour > created);
    }

    [Fact]
    public async Task Usage_is_kept_as_long_as_the_audit_trail_and_trimmed_with_it()
    {
        await using var bounded = await ServerFixture.StartAsync(s => s["Licensing:MaxEventsPerLicense"] = "20");
        bounded.Clock.SetUtcNow(TruncateToHour(bounded.Clock.GetUtcNow()).AddHours(1));
        var first = bounded.Clock.GetUtcNow();
        var license = await bounded.CreateLicenseAsync(Activation, seats: 1);
        for (var i = 0; i < 60; i++)
        {
            using var activated = await bounded.CallAsync("v1/license/activate", new { license.UserKey, machineId = $"m-{i}" });
            using var deactivated = await bounded.CallAsync("v1/license/deactivate", new { license.UserKey, machineId = $"m-{i}" });
            bounded.Clock.Advance(TimeSpan.FromHours(1));
        }

        // Events 1 (created) to 121, trimmed to the newest 20 when the 120th committed: the newest deleted, the 100th,
        // is loop 49's activation, so the hours before loop 49's are gone with it.
        var kept = (await bounded.StoredUsageRowsAsync(license.LicenseId)).Select(r => r.RowKey).ToArray();

        Assert.Equal(11, kept.Length);
        Assert.Equal(Enumerable.Range(49, 11).Select(i => "hour|" + first.AddHours(i).UtcDateTime.ToString("yyyyMMddHH", CultureInfo.InvariantCulture)), kept);
        Assert.Equal(21, (await bounded.StoredEventsAsync(license.LicenseId)).Count);
    }

    [Theory]
    [InlineData("from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "from", "must not be after 'to'.")]
    [InlineData("from=2026-01-01T00:00:00Z&to=2026-04-05T00:00:00Z", "from", "must be at most 93 days before 'to'.")]
    [InlineData("from=yesterday", "from", "must be an RFC 3339 time with its offset (2026-11-01T00:00:00Z) or Unix seconds.")]
    [InlineData("to=2026-01-01T00:00:00", "to", "must be an RFC 3339 time with its offset (2026-11-01T00:00:00Z) or Unix seconds.")]
    public async Task A_span_that_is_not_one_is_refused_with_the_field_named(string query, string field, string message)
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 1);

        using var response = await server.SendAsync(HttpMethod.Get, $"v1/admin/licenses/{license.LicenseId}/usage?{query}", null, ServerFixture.AdminKey);
        using var body = await ServerFixture.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal([message], body.RootElement.GetProperty("errors").GetProperty(field).EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task An_unknown_license_is_not_found_and_a_client_key_is_refused()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 1);

        using var unknown = await server.SendAsync(HttpMethod.Get, "v1/admin/licenses/lic_aaaaaaaaaaaaaaaaaaaaaaaaaa/usage", null, ServerFixture.AdminKey);
        using var unknownBody = await ServerFixture.ReadJsonAsync(unknown);
        using var client = await server.SendAsync(HttpMethod.Get, $"v1/admin/licenses/{license.LicenseId}/usage", null, server.ClientKey);

        Assert.Equal((HttpStatusCode.NotFound, "license_not_found"), (unknown.StatusCode, unknownBody.RootElement.GetProperty("code").GetString()));
        Assert.Equal(HttpStatusCode.Forbidden, client.StatusCode);
    }

    private DateTimeOffset StartOfNextHour() => TruncateToHour(server.Clock.GetUtcNow()).AddHours(1);

    private static DateTimeOffset TruncateToHour(DateTimeOffset at) => new(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero);

    private static string Rfc3339(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Seconds(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    private async Task<JsonElement> RequestAsync(License license, string machineId)
    {
        using var answer = await server.CallAsync("v1/license/request", new { license.UserKey, machineId });
        return answer.RootElement.Clone();
    }

    private async Task ActivateAsync(License license, string machineId)
    {
        using var answer = await server.CallAsync("v1/license/activate", new { license.UserKey, machineId });
        Assert.True(answer.RootElement.GetProperty("success").GetBoolean(), answer.RootElement.GetRawText());
    }

    private async Task ReleaseAsync(JsonElement granted, string machineId)
    {
        Assert.True(granted.GetProperty("granted").GetBoolean(), granted.GetRawText());
        using var released = await server.CallAsync("v1/license/release", new { licenseToken = granted.GetProperty("licenseToken").GetString(), machineId });
    }

    private async Task<List<(DateTimeOffset Hour, int PeakSeats, int Grants, long Denials)>> UsageAsync(License license, string query)
    {
        using var response = await server.SendAsync(HttpMethod.Get, $"v1/admin/licenses/{license.LicenseId}/usage?{query}", null, ServerFixture.AdminKey);
        using var body = await ServerFixture.ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.RootElement.GetRawText());
        Assert.Equal(["items"], body.RootElement.EnumerateObject().Select(p => p.Name));
        return body.RootElement.GetProperty("items").EnumerateArray().Select(item =>
        {
            Assert.Equal(["hour", "peakSeats", "grants", "denials", "meters"], item.EnumerateObject().Select(p => p.Name));
            Assert.Equal("[]", item.GetProperty("meters").GetRawText());
            var hour = item.GetProperty("hour");
            Assert.Equal(0, hour.GetProperty("nanos").GetInt32());
            return (DateTimeOffset.FromUnixTimeSeconds(hour.GetProperty("seconds").GetInt64()), item.GetProperty("peakSeats").GetInt32(),
                item.GetProperty("grants").GetInt32(), item.GetProperty("denials").GetInt64());
        }).ToList();
    }

    private async Task<List<TableEntity>> StoredUsageRowsAsync(License license) =>
        (await server.StoredUsageRowsAsync(license.LicenseId)).Where(r => !r.RowKey.Contains("|denials|", StringComparison.Ordinal)).ToList();

    private async Task<List<TableEntity>> StoredDenialRowsAsync(License license) =>
        (await server.StoredUsageRowsAsync(license.LicenseId)).Where(r => r.RowKey.Contains("|denials|", StringComparison.Ordinal)).ToList();

    private static (int Peak, int Grants, int Start, int End) Tally(TableEntity row) =>
        (row.GetInt32("UsagePeak")!.Value, row.GetInt32("UsageGrants")!.Value, row.GetInt32("UsageStart")!.Value, row.GetInt32("UsageEnd")!.Value);
}
