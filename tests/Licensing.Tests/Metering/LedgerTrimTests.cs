using System.Text.Json;
using Licensing.Tests.Support;

namespace Licensing.Tests.Metering;

/// <summary>
/// A use's ledger row is kept until its period ended plus 7 days, so a late retry is still answered from it; the first
/// recording of a later period (the lazy rollover) deletes the rows whose time has passed, and only those.
/// </summary>
public sealed class LedgerTrimTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const int Activation = 1;

    [Fact]
    public async Task A_rollover_deletes_the_ledger_rows_kept_past_their_period_and_seven_days_and_keeps_the_others()
    {
        var now = server.Clock.GetUtcNow();
        var dayOne = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddDays(1);
        server.Clock.Advance(dayOne.AddHours(10) - now);
        var license = await server.CreateLicenseAsync(Activation, seats: 1, extra: new { meters = new[] { new { code = "exports", limit = 100, resetPeriod = "day" } } });

        var first = await RecordAsync(license, 5, "day-1");
        server.Clock.Advance(TimeSpan.FromDays(1));
        var dayTwo = await RecordAsync(license, 2, "day-2");
        server.Clock.Advance(TimeSpan.FromDays(6) + TimeSpan.FromHours(13) + TimeSpan.FromMinutes(59));
        var lateRetry = await RecordAsync(license, 5, "day-1");
        var keptBeforeTrim = await LedgerKeysAsync(license);
        server.Clock.Advance(TimeSpan.FromMinutes(2));
        var dayNine = await RecordAsync(license, 1, "day-9");
        var keptAfterTrim = await LedgerKeysAsync(license);
        var afterTheWindow = await RecordAsync(license, 5, "day-1");

        Assert.Equal((true, 5L, 100L, 95L, false, false, null), UsageAsserts.Of(first));
        Assert.Equal((true, 2L, 100L, 98L, false, false, null), UsageAsserts.Of(dayTwo));
        // Day 1's period ended at the start of day 2; a minute before 7 days after that, its row is still there.
        Assert.Equal((true, 5L, 100L, 95L, false, true, null), UsageAsserts.Of(lateRetry));
        Assert.Equal(["ledger|day-1", "ledger|day-2"], keptBeforeTrim);
        Assert.Equal((true, 1L, 100L, 99L, false, false, null), UsageAsserts.Of(dayNine));
        Assert.Equal(dayOne.AddDays(9).ToUnixTimeSeconds(), dayNine.GetProperty("periodEndsAt").GetProperty("seconds").GetInt64());
        Assert.Equal(["ledger|day-2", "ledger|day-9"], keptAfterTrim);
        // Past its window the id is free again: the same id is a new use.
        Assert.Equal((true, 6L, 100L, 94L, false, false, null), UsageAsserts.Of(afterTheWindow));
    }

    [Fact]
    public async Task A_license_deleted_and_made_again_with_the_same_key_counts_an_event_id_the_deleted_one_had_counted()
    {
        var userKey = $"LEDGER-{Guid.NewGuid():N}";
        var meters = new[] { new { code = "exports", limit = 100, resetPeriod = "month" } };
        var before = await CreateAsync(userKey, meters);
        var counted = await RecordAsync(before, 5, "export-1");
        using var deleted = await server.SendAsync(HttpMethod.Delete, $"v1/admin/licenses/{before.LicenseId}", null, ServerFixture.AdminKey);
        var ledgerAfterDelete = await LedgerKeysAsync(before);
        server.Clock.Advance(TimeSpan.FromSeconds(1)); // the new license's events are numbered from its creation time
        var again = await CreateAsync(userKey, meters);
        var countedAgain = await RecordAsync(again, 5, "export-1");

        Assert.Equal(System.Net.HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(before.LicenseId, again.LicenseId);
        Assert.Equal((true, 5L, 100L, 95L, false, false, null), UsageAsserts.Of(counted));
        Assert.Empty(ledgerAfterDelete);
        Assert.Equal((true, 5L, 100L, 95L, false, false, null), UsageAsserts.Of(countedAgain));
        Assert.Equal(["ledger|export-1"], await LedgerKeysAsync(again));
    }

    private async Task<License> CreateAsync(string userKey, object meters)
    {
        using var created = await server.AdminPostAsync("v1/admin/licenses", new { userKey, licensingMode = Activation, maxClientCount = 1, meters });
        return new License(created.RootElement.GetProperty("licenseId").GetString()!, userKey);
    }

    private async Task<JsonElement> RecordAsync(License license, long amount, string eventId)
    {
        using var answer = await server.CallAsync("v1/license/usage", new { license.UserKey, machineId = "pc-1", meter = "exports", amount, eventId });
        return answer.RootElement.Clone();
    }

    private async Task<List<string>> LedgerKeysAsync(License license) =>
        (await UsageAsserts.StoredLedgerAsync(server, license.LicenseId)).Select(r => r.RowKey).Order(StringComparer.Ordinal).ToList();
}
