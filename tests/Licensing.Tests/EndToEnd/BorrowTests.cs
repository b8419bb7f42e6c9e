using System.Net;
using System.Text.Json;
using Licensing.Tests.Support;

namespace Licensing.Tests.EndToEnd;

/// <summary>Borrowing a floating seat for offline work, over real HTTP with the moved clock: this class has its own server, clock and tables.</summary>
public sealed class BorrowTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const int Floating = 2;
    private const int HeartbeatSeconds = 60;

    [Fact]
    public async Task A_borrowed_seat_survives_three_missed_heartbeat_intervals_and_returns_with_release()
    {
        var license = await CreateAsync(seats: 1, maxBorrowSeconds: 3600);
        var token = await RequestTokenAsync(license, "m1");
        var now = server.Clock.GetUtcNow();

        var borrowed = await BorrowAsync(token, "m1", seconds: 1800);
        server.Clock.Advance(TimeSpan.FromSeconds(3 * HeartbeatSeconds + 1));
        await server.RunExpiryTimerAsync();
        var other = (await server.CallAsync("v1/license/request", new { license.UserKey, machineId = "m2" })).RootElement;
        var heldInfo = (await server.CallAsync("v1/license/info", new { license.UserKey, machineId = "m1" })).RootElement;
        var released = (await server.CallAsync("v1/license/release", new { licenseToken = borrowed.GetProperty("licenseToken").GetString(), machineId = "m1" })).RootElement;
        var afterRelease = (await server.CallAsync("v1/license/request", new { license.UserKey, machineId = "m2" })).RootElement;

        Assert.True(borrowed.GetProperty("borrowed").GetBoolean(), borrowed.GetRawText());
        Assert.Equal((now + TimeSpan.FromSeconds(1800)).ToUnixTimeSeconds(), Seconds(borrowed, "tokenExpireAt"));
        Assert.Equal(1, borrowed.GetProperty("activeClientCount").GetInt32());
        Assert.Equal(1, borrowed.GetProperty("maxClientCount").GetInt32());
        Assert.Equal("seats_exhausted", other.GetProperty("reason").GetString());
        Assert.Equal(1, heldInfo.GetProperty("activeClientCount").GetInt32());
        Assert.Equal(0, released.GetProperty("activeClientCount").GetInt32());
        Assert.True(afterRelease.GetProperty("granted").GetBoolean(), afterRelease.GetRawText());
        Assert.Equal(1, afterRelease.GetProperty("activeClientCount").GetInt32());
    }

    [Fact]
    public async Task A_seat_borrowed_longer_than_allowed_is_capped_at_the_max_borrow_duration()
    {
        var license = await CreateAsync(seats: 2, maxBorrowSeconds: 3600);
        var token = await RequestTokenAsync(license, "m1");
        var now = server.Clock.GetUtcNow();

        var borrowed = await BorrowAsync(token, "m1", seconds: 2 * 86400);

        Assert.True(borrowed.GetProperty("borrowed").GetBoolean(), borrowed.GetRawText());
        Assert.Equal((now + TimeSpan.FromHours(1)).ToUnixTimeSeconds(), Seconds(borrowed, "tokenExpireAt"));
    }

    [Fact]
    public async Task A_borrow_never_outlives_the_license_and_its_grace()
    {
        var expireAt = DateTimeOffset.FromUnixTimeSeconds((server.Clock.GetUtcNow() + TimeSpan.FromMinutes(10)).ToUnixTimeSeconds());
        var license = await server.CreateLicenseAsync(Floating, seats: 1, HeartbeatSeconds, new
        {
            expireAt = new { seconds = expireAt.ToUnixTimeSeconds(), nanos = 0 },
            gracePeriod = new { seconds = 300, nanos = 0 },
            maxBorrowDuration = new { seconds = 86400, nanos = 0 },
        });
        var token = await RequestTokenAsync(license, "m1");

        var borrowed = await BorrowAsync(token, "m1", seconds: 3600);

        Assert.Equal((expireAt + TimeSpan.FromMinutes(5)).ToUnixTimeSeconds(), Seconds(borrowed, "tokenExpireAt"));
    }

    [Fact]
    public async Task A_license_that_allows_no_borrowing_answers_borrow_not_allowed()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 3, HeartbeatSeconds);
        var token = await RequestTokenAsync(license, "m1");

        var refused = await BorrowAsync(token, "m1", seconds: 600);

        Assert.Equal(
            """{"borrowed":false,"licenseToken":null,"tokenExpireAt":null,"activeClientCount":1,"maxClientCount":3,"reason":"borrow_not_allowed","message":"The license does not allow borrowing a seat."}""",
            refused.GetRawText());
    }

    [Fact]
    public async Task A_heartbeat_after_a_borrow_does_not_shorten_it_and_the_borrow_ends_at_its_expiry()
    {
        var license = await CreateAsync(seats: 1, maxBorrowSeconds: 3600);
        var token = await RequestTokenAsync(license, "m1");
        var borrowEnds = server.Clock.GetUtcNow() + TimeSpan.FromSeconds(1200);
        await BorrowAsync(token, "m1", seconds: 1200);

        server.Clock.Advance(TimeSpan.FromSeconds(10));
        var beat = (await server.CallAsync("v1/license/heartbeat", new { licenseToken = token, machineId = "m1" })).RootElement;
        server.Clock.Advance(TimeSpan.FromSeconds(1190));
        var ended = (await server.CallAsync("v1/license/heartbeat", new { licenseToken = token, machineId = "m1" })).RootElement;
        var other = (await server.CallAsync("v1/license/request", new { license.UserKey, machineId = "m2" })).RootElement;

        Assert.True(beat.GetProperty("active").GetBoolean(), beat.GetRawText());
        Assert.Equal(borrowEnds.ToUnixTimeSeconds(), Seconds(beat, "tokenExpireAt"));
        Assert.Equal("token_expired", ended.GetProperty("reason").GetString());
        Assert.True(other.GetProperty("granted").GetBoolean(), other.GetRawText());
    }

    [Fact]
    public async Task A_lapsed_released_or_foreign_lease_is_refused_with_the_heartbeats_reasons()
    {
        var license = await CreateAsync(seats: 3, maxBorrowSeconds: 3600);
        var lapsing = await RequestTokenAsync(license, "m1");
        var releasing = await RequestTokenAsync(license, "m2");
        var foreign = await RequestTokenAsync(license, "m3");
        await server.CallAsync("v1/license/release", new { licenseToken = releasing, machineId = "m2" });

        var otherMachine = await BorrowAsync(foreign, "m9", seconds: 600);
        var released = await BorrowAsync(releasing, "m2", seconds: 600);
        var garbage = await BorrowAsync("not.a.token", "m1", seconds: 600);
        server.Clock.Advance(TimeSpan.FromSeconds(2 * HeartbeatSeconds));
        var lapsed = await BorrowAsync(lapsing, "m1", seconds: 600);

        Assert.Equal("machine_mismatch", otherMachine.GetProperty("reason").GetString());
        Assert.Equal("token_released", released.GetProperty("reason").GetString());
        Assert.Equal("invalid_token", garbage.GetProperty("reason").GetString());
        Assert.Equal("token_expired", lapsed.GetProperty("reason").GetString());
        Assert.All(new[] { otherMachine, released, garbage, lapsed }, a => Assert.False(a.GetProperty("borrowed").GetBoolean()));
    }

    [Fact]
    public async Task A_borrow_is_recorded_as_a_seat_borrowed_event()
    {
        var license = await CreateAsync(seats: 1, maxBorrowSeconds: 3600);
        var token = await RequestTokenAsync(license, "m1");

        await BorrowAsync(token, "m1", seconds: 600);
        var events = await server.StoredEventsAsync(license.LicenseId);

        // Stored newest first.
        Assert.Equal(["seat.borrowed", "seat.granted"], events.Select(e => e.GetString("Type")).Where(t => t!.StartsWith("seat.", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("""{"licenseToken":"x","machineId":"m1"}""", "is required.")]
    [InlineData("""{"licenseToken":"x","machineId":"m1","borrowFor":{"seconds":-5,"nanos":0}}""", "must be between 1 and 3153600000 seconds.")]
    [InlineData("""{"licenseToken":"x","machineId":"m1","borrowFor":{"seconds":0,"nanos":0}}""", "must be between 1 and 3153600000 seconds.")]
    [InlineData("""{"licenseToken":"x","machineId":"m1","borrowFor":"an hour"}""", null)]
    public async Task A_missing_or_wrong_borrow_for_is_a_400_naming_the_field(string body, string? message)
    {
        using var response = await server.PostAsync("v1/license/borrow", body);
        var problem = (await ServerFixture.ReadJsonAsync(response)).RootElement;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = problem.GetProperty("errors");
        Assert.Equal(["borrowFor"], errors.EnumerateObject().Select(e => e.Name));
        if (message is not null)
        {
            Assert.Equal([message], errors.GetProperty("borrowFor").EnumerateArray().Select(e => e.GetString()));
        }
    }

    private Task<License> CreateAsync(int seats, int maxBorrowSeconds) =>
        server.CreateLicenseAsync(Floating, seats, HeartbeatSeconds, new { maxBorrowDuration = new { seconds = maxBorrowSeconds, nanos = 0 } });

    private async Task<string> RequestTokenAsync(License license, string machineId)
    {
        var granted = (await server.CallAsync("v1/license/request", new { license.UserKey, machineId })).RootElement;
        Assert.True(granted.GetProperty("granted").GetBoolean(), granted.GetRawText());
        return granted.GetProperty("licenseToken").GetString()!;
    }

    private async Task<JsonElement> BorrowAsync(string token, string machineId, long seconds) =>
        (await server.CallAsync("v1/license/borrow", new { licenseToken = token, machineId, borrowFor = new { seconds, nanos = 0 } })).RootElement;

    private static long Seconds(JsonElement answer, string name) => answer.GetProperty(name).GetProperty("seconds").GetInt64();
}
