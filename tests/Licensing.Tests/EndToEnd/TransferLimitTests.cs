using System.Globalization;
using System.Net;
using System.Text.Json;
using Licensing.Tests.Support;

namespace Licensing.Tests.EndToEnd;

/// <summary>
/// Transfer limits (mode 1): every deactivation is a move, counted over a rolling 30 days on the license row in the
/// deactivation's own transaction; once the moves exceed maxTransfers, activating a machine that is not active is
/// denied with transfer_limit_reached, while deactivating and re-activating an active machine still work.
/// </summary>
public sealed class TransferLimitTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const int Activation = 1;
    private static readonly TimeSpan TransferWindow = TimeSpan.FromDays(30);

    [Fact]
    public async Task With_max_transfers_three_three_moves_succeed_and_after_the_fourth_deactivation_a_new_machine_is_refused_for_30_days()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 2, extra: new { maxTransfers = 3 });
        Assert.True(await ActivateAsync(license, "desk"));
        Assert.True(await ActivateAsync(license, "laptop-0"));
        var moves = new List<bool>();
        var deactivatedAt = new List<DateTimeOffset>();
        for (var i = 1; i <= 3; i++)
        {
            server.Clock.Advance(TimeSpan.FromMinutes(1));
            deactivatedAt.Add(server.Clock.GetUtcNow());
            Assert.Equal(1, await DeactivateAsync(license, $"laptop-{i - 1}"));
            moves.Add(await ActivateAsync(license, $"laptop-{i}"));
        }

        server.Clock.Advance(TimeSpan.FromMinutes(1));
        deactivatedAt.Add(server.Clock.GetUtcNow());
        var fourthDeactivation = await DeactivateAsync(license, "laptop-3");
        var fourthMove = await ActivateAnswerAsync(license, "laptop-4");
        var deskAgain = await ActivateAsync(license, "desk");
        var stored = (await server.StoredLicenseRowAsync(license.LicenseId))!.GetString("RecentDeactivations");
        var deskDeactivated = await DeactivateAsync(license, "desk");
        var afterDesk = await ActivateAnswerAsync(license, "laptop-4");

        Assert.Equal([true, true, true], moves);
        Assert.Equal(1, fourthDeactivation);
        Assert.Equal(
            """{"success":false,"licenseToken":null,"tokenExpireAt":null,"activeClientCount":1,"maxClientCount":2,"license":null,"reason":"transfer_limit_reached","message":"The license's seats have moved to other machines as often as its terms allow in 30 days."}""",
            fourthMove.GetRawText());
        Assert.True(deskAgain);
        Assert.Equal(string.Join(',', deactivatedAt.Select(Ticks)), stored);
        Assert.Equal(0, deskDeactivated);
        Assert.Equal("transfer_limit_reached", afterDesk.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task The_window_rolls_a_new_machine_is_allowed_again_once_the_oldest_deactivation_counted_is_30_days_old()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 1, extra: new { maxTransfers = 1 });
        Assert.True(await ActivateAsync(license, "pc-0"));
        var first = server.Clock.GetUtcNow();
        Assert.Equal(0, await DeactivateAsync(license, "pc-0"));
        Assert.True(await ActivateAsync(license, "pc-1"));
        server.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, await DeactivateAsync(license, "pc-1"));

        server.Clock.SetUtcNow(first + TransferWindow - TimeSpan.FromTicks(1));
        var justBefore = await ActivateAnswerAsync(license, "pc-2");
        server.Clock.SetUtcNow(first + TransferWindow);
        var atThirtyDays = await ActivateAnswerAsync(license, "pc-2");

        Assert.Equal("transfer_limit_reached", justBefore.GetProperty("reason").GetString());
        Assert.True(atThirtyDays.GetProperty("success").GetBoolean(), atThirtyDays.GetRawText());
    }

    [Fact]
    public async Task The_deactivations_are_kept_trimmed_to_max_transfers_plus_one_and_none_on_an_unlimited_license()
    {
        var limited = await server.CreateLicenseAsync(Activation, seats: 3, extra: new { maxTransfers = 1 });
        var unlimited = await server.CreateLicenseAsync(Activation, seats: 1);
        string[] machines = ["a", "b", "c"];
        foreach (var machine in machines)
        {
            Assert.True(await ActivateAsync(limited, machine));
        }

        var times = new List<DateTimeOffset>();
        var unlimitedMoves = new List<bool>();
        foreach (var machine in machines)
        {
            server.Clock.Advance(TimeSpan.FromMinutes(1));
            times.Add(server.Clock.GetUtcNow());
            await DeactivateAsync(limited, machine);
            unlimitedMoves.Add(await ActivateAsync(unlimited, machine));
            await DeactivateAsync(unlimited, machine);
        }

        Assert.Equal(string.Join(',', times.TakeLast(2).Select(Ticks)), (await server.StoredLicenseRowAsync(limited.LicenseId))!.GetString("RecentDeactivations"));
        Assert.Equal("", (await server.StoredLicenseRowAsync(unlimited.LicenseId))!.GetString("RecentDeactivations"));
        Assert.Equal([true, true, true], unlimitedMoves);
    }

    [Fact]
    public async Task An_admins_seat_revoke_is_not_a_move()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 1, extra: new { maxTransfers = 1 });
        var activated = new List<bool>();
        for (var i = 0; i < 3; i++)
        {
            var answer = await ActivateAnswerAsync(license, $"pc-{i}");
            activated.Add(answer.GetProperty("success").GetBoolean());
            var publicId = SeatTokens.TokenId(answer.GetProperty("licenseToken").GetString()!);
            using var revoked = await server.SendAsync(HttpMethod.Post, $"v1/admin/licenses/{license.LicenseId}/tokens/revoke", new { token = publicId }, ServerFixture.AdminKey);
            Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        }

        Assert.Equal([true, true, true], activated);
        Assert.Equal("", (await server.StoredLicenseRowAsync(license.LicenseId))!.GetString("RecentDeactivations"));
    }

    [Fact]
    public async Task Max_transfers_is_shown_patched_recorded_and_bounded_from_0_to_1000()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 1);

        var (patchedStatus, patched) = await AdminAsync(HttpMethod.Patch, $"v1/admin/licenses/{license.LicenseId}", new { maxTransfers = 1000 });
        var (tooManyStatus, tooMany) = await AdminAsync(HttpMethod.Patch, $"v1/admin/licenses/{license.LicenseId}", new { maxTransfers = 1001 });
        var (negativeStatus, negative) = await AdminAsync(HttpMethod.Post, "v1/admin/licenses", new { licensingMode = Activation, maxClientCount = 1, maxTransfers = -1 });
        var (_, events) = await AdminAsync(HttpMethod.Get, $"v1/admin/licenses/{license.LicenseId}/events", null);

        Assert.Equal((HttpStatusCode.OK, 1000), (patchedStatus, patched.GetProperty("maxTransfers").GetInt32()));
        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (tooManyStatus, negativeStatus));
        Assert.Single(tooMany.GetProperty("errors").GetProperty("maxTransfers").EnumerateArray());
        Assert.Single(negative.GetProperty("errors").GetProperty("maxTransfers").EnumerateArray());
        var updated = events.GetProperty("items").EnumerateArray().First(e => e.GetProperty("type").GetString() == "license.updated");
        Assert.Equal("""{"maxTransfers":1000}""", updated.GetProperty("changes").GetRawText());
    }

    private static string Ticks(DateTimeOffset at) => at.UtcTicks.ToString(CultureInfo.InvariantCulture);

    private async Task<bool> ActivateAsync(License license, string machineId) =>
        (await ActivateAnswerAsync(license, machineId)).GetProperty("success").GetBoolean();

    private async Task<JsonElement> ActivateAnswerAsync(License license, string machineId) =>
        (await server.CallAsync("v1/license/activate", new { license.UserKey, machineId })).RootElement.Clone();

    /// <summary>Deactivates and answers the license's live seats after it.</summary>
    private async Task<int> DeactivateAsync(License license, string machineId)
    {
        using var response = await server.PostAsync("v1/license/deactivate", new { license.UserKey, machineId }, server.ClientKey);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = await ServerFixture.ReadJsonAsync(response);
        return json.RootElement.GetProperty("activeClientCount").GetInt32();
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> AdminAsync(HttpMethod method, string route, object? body)
    {
        using var response = await server.SendAsync(method, route, body, ServerFixture.AdminKey);
        using var json = await ServerFixture.ReadJsonAsync(response);
        return (response.StatusCode, json.RootElement.Clone());
    }
}
