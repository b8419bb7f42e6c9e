using Licensing.Tests.Support;

namespace Licensing.Tests.Metering;

/// <summary>
/// A meter's period rolls over lazily, at the first recording after it ended (UTC midnight on the 1st for a month), on
/// the server's injected clock; a use counted in the old period is still recognised when retried in the new one.
/// </summary>
public sealed class MeterPeriodTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const int Activation = 1;

    [Fact]
    public async Task The_month_rolls_over_at_utc_midnight_on_the_first_and_a_late_retry_of_last_month_counts_nothing()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 1, extra: new { meters = new[] { new { code = "exports", limit = 100, resetPeriod = "month" } } });
        var aprilFirst = new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero);
        server.Clock.Advance(aprilFirst - TimeSpan.FromSeconds(1) - server.Clock.GetUtcNow());

        var lastSecondOfMarch = await RecordAsync(license, 60, "march-1");
        var stillMarch = await RecordAsync(license, 40, "march-2");
        server.Clock.Advance(TimeSpan.FromSeconds(1));
        var shownInApril = await server.CallAsync("v1/license/info", new { license.UserKey, machineId = "pc-1" });
        var firstOfApril = await RecordAsync(license, 70, "april-1");
        var lateRetry = await RecordAsync(license, 60, "march-1");

        Assert.Equal((true, 60L, 100L, 40L, false, false, null), UsageAsserts.Of(lastSecondOfMarch));
        Assert.Equal((true, 100L, 100L, 0L, false, false, null), UsageAsserts.Of(stillMarch));
        Assert.Equal(aprilFirst.ToUnixTimeSeconds(), stillMarch.GetProperty("periodEndsAt").GetProperty("seconds").GetInt64());
        Assert.Equal(0L, shownInApril.RootElement.GetProperty("meters")[0].GetProperty("used").GetInt64());
        Assert.Equal((true, 70L, 100L, 30L, false, false, null), UsageAsserts.Of(firstOfApril));
        Assert.Equal(aprilFirst.AddMonths(1).ToUnixTimeSeconds(), firstOfApril.GetProperty("periodEndsAt").GetProperty("seconds").GetInt64());
        Assert.Equal((true, 60L, 100L, 40L, false, true, null), UsageAsserts.Of(lateRetry));
        Assert.Equal(70L, await UsageAsserts.StoredUsedAsync(server, license.LicenseId, "exports"));
        var ledger = await UsageAsserts.StoredLedgerAsync(server, license.LicenseId);
        Assert.Equal(3, ledger.Count);
        Assert.Equal(aprilFirst.AddDays(7), ledger.Single(r => r.RowKey == "ledger|march-1").GetDateTimeOffset("KeepUntil"));
    }

    private async Task<System.Text.Json.JsonElement> RecordAsync(License license, long amount, string eventId) =>
        (await server.CallAsync("v1/license/usage", new { license.UserKey, machineId = "pc-1", meter = "exports", amount, eventId })).RootElement.Clone();
}
