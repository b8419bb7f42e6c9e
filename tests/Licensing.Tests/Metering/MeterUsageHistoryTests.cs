using System.Text.Json;
using Licensing.Tests.Support;

namespace Licensing.Tests.Metering;

/// <summary>
/// The admin usage history holds, for each UTC hour, the units each meter recorded in it: counted uses only (a retry
/// and a refused use add nothing), in code order, kept by the recordings' own transactions; a reset of the count leaves
/// the history as it was.
/// </summary>
public sealed class MeterUsageHistoryTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const int Activation = 1;

    [Fact]
    public async Task Each_hour_of_the_history_lists_the_units_each_meter_recorded_in_it_and_nothing_for_retries_refusals_or_resets()
    {
        var now = server.Clock.GetUtcNow();
        var nine = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero).AddDays(1);
        server.Clock.Advance(nine.AddMinutes(15) - now);
        var license = await server.CreateLicenseAsync(Activation, seats: 1, extra: new
        {
            meters = new object[] { new { code = "exports", limit = 100 }, new { code = "api-calls" } },
        });

        await RecordAsync(license, "exports", 3, "e-1");
        await RecordAsync(license, "exports", 4, "e-2");
        await RecordAsync(license, "exports", 4, "e-2");
        await RecordAsync(license, "api-calls", 10, "a-1");
        var refused = await RecordAsync(license, "exports", 200, "e-3");
        server.Clock.Advance(TimeSpan.FromMinutes(50));
        await RecordAsync(license, "exports", 5, "e-4");
        using (await server.SendForJsonAsync(HttpMethod.Post, $"v1/admin/licenses/{license.LicenseId}/meters/exports/reset", null, ServerFixture.AdminKey))
        {
        }

        server.Clock.Advance(TimeSpan.FromHours(2));
        using var history = await server.SendForJsonAsync(
            HttpMethod.Get, $"v1/admin/licenses/{license.LicenseId}/usage?from={nine.ToUnixTimeSeconds()}", null, ServerFixture.AdminKey);

        Assert.Equal("usage_limit_reached", refused.GetProperty("reason").GetString());
        var items = history.RootElement.GetProperty("items");
        Assert.Equal(4, items.GetArrayLength());
        Assert.Equal(
            [
                (nine.ToUnixTimeSeconds(), """[{"code":"api-calls","units":10},{"code":"exports","units":7}]"""),
                (nine.AddHours(1).ToUnixTimeSeconds(), """[{"code":"exports","units":5}]"""),
                (nine.AddHours(2).ToUnixTimeSeconds(), "[]"),
                (nine.AddHours(3).ToUnixTimeSeconds(), "[]"),
            ],
            items.EnumerateArray().Select(i => (i.GetProperty("hour").GetProperty("seconds").GetInt64(), i.GetProperty("meters").GetRawText())));
    }

    private async Task<JsonElement> RecordAsync(License license, string meter, long amount, string eventId)
    {
        using var answer = await server.CallAsync("v1/license/usage", new { license.UserKey, machineId = "pc-1", meter, amount, eventId });
        return answer.RootElement.Clone();
    }
}
