using System.Net;
using Licensing.Auth;
using Licensing.Http;
using Licensing.Tests.Support;

namespace Licensing.Tests.EndToEnd;

/// <summary>
/// The issuer's side of admin bearer tokens, each test with an issuer and a server of its own: metadata cached and read
/// again on the server's clock, rotated keys picked up, an unreachable issuer a 503, failed tokens throttled like wrong
/// keys, and no issuer no tokens.
/// </summary>
public sealed class AdminTokenIssuerTests
{
    private const string AdminRoute = "v1/admin/api-keys";

    [Fact]
    public async Task The_metadata_is_read_once_and_a_rotated_key_is_picked_up_on_the_first_call_that_uses_it()
    {
        await using var issuer = await TestIssuer.StartAsync();
        await using var server = await ServerFixture.StartAsync(issuer.Configure);
        var oldToken = issuer.Mint(server.Clock.GetUtcNow());
        for (var i = 0; i < 5; i++)
        {
            using var response = await server.SendWithBearerAsync(HttpMethod.Get, AdminRoute, null, oldToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var readsBeforeRotation = issuer.MetadataReads;
        issuer.Rotate("key-2");
        using var withNewKey = await server.SendWithBearerAsync(HttpMethod.Get, AdminRoute, null, issuer.Mint(server.Clock.GetUtcNow()));
        using var withRetiredKey = await server.SendWithBearerAsync(HttpMethod.Get, AdminRoute, null, oldToken);

        Assert.Equal(1, readsBeforeRotation);
        Assert.Equal(HttpStatusCode.OK, withNewKey.StatusCode);
        Assert.Equal(2, issuer.MetadataReads);
        Assert.Equal(HttpStatusCode.Unauthorized, withRetiredKey.StatusCode);
    }

    [Fact]
    public async Task Unknown_key_ids_make_the_server_read_the_keys_again_at_most_once_a_minute_of_its_clock()
    {
        await using var issuer = await TestIssuer.StartAsync();
        await using var server = await ServerFixture.StartAsync(issuer.Configure);
        using (var first = await server.SendWithBearerAsync(HttpMethod.Get, AdminRoute, null, issuer.Mint(server.Clock.GetUtcNow())))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        using var stranger = await server.SendWithBearerAsync(HttpMethod.Get, AdminRoute, null, issuer.Mint(server.Clock.GetUtcNow(), signedWith: issuer.StrangerKey()));
        var readsAfterStranger = issuer.MetadataReads;
        issuer.Rotate("key-2");
        using var withinTheMinute = await server.SendWithBearerAsync(HttpMethod.Get, AdminRoute, null, issuer.Mint(server.Clock.GetUtcNow()));
        var readsWithinTheMinute = issuer.MetadataReads;
        server.Clock.Advance(IssuerKeys.ForcedReadInterval);
        using var aMinuteLater = await server.SendWithBearerAsync(HttpMethod.Get, AdminRoute, null, issuer.Mint(server.Clock.GetUtcNow()));

        Assert.Equal(HttpStatusCode.Unauthorized, stranger.StatusCode);
        Assert.Equal(2, readsAfterStranger);
        Assert.Equal(HttpStatusCode.Unauthorized, withinTheMinute.StatusCode);
        Assert.Equal(2, readsWithinTheMinute);
        Assert.Equal(HttpStatusCode.OK, aMinuteLater.StatusCode);
        Assert.Equal(3, issuer.MetadataReads);
    }

    [Fact]
    public async Task The_keys_are_read_again_once_twelve_hours_old_on_the_servers_clock()
    {
        await using var issuer = await TestIssuer.StartAsync();
        await using var server = await ServerFixture.StartAsync(issuer.Configure);
        using (var first = await server.SendWithBearerAsync(HttpMethod.Get, AdminRoute, null, issuer.Mint(server.Clock.GetUtcNow())))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        server.Clock.Advance(IssuerKeys.MaxAge - TimeSpan.FromMinutes(1));
        using var before = await server.SendWithBearerAsync(HttpMethod.Get, AdminRoute, null, issuer.Mint(server.Clock.GetUtcNow()));
        var readsBefore = issuer.MetadataReads;
        server.Clock.Advance(TimeSpan.FromMinutes(1));
        using var after = await server.SendWithBearerAsync(HttpMethod.Get, AdminRoute, null, issuer.Mint(server.Clock.GetUtcNow()));

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(1, readsBefore);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal(2, issuer.MetadataReads);
    }

    [Fact]
    public async Task An_issuer_that_cannot_be_reached_makes_bearer_calls_503_with_retry_after_while_api_keys_still_work()
    {
        await using var issuer = await TestIssuer.StartAsync();
        await using var server = await ServerFixture.StartAsync(issuer.Configure);
        var token = issuer.Mint(server.Clock.GetUtcNow());
        await issuer.StopAsync();

        using var bearer = await server.SendWithBearerAsync(HttpMethod.Get, AdminRoute, null, token);
        using var apiKey = await server.SendAsync(HttpMethod.Get, AdminRoute, null, ServerFixture.AdminKey);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, bearer.StatusCode);
        Assert.NotNull(bearer.Headers.RetryAfter);
        Assert.Equal("issuer_unavailable", (await ServerFixture.ReadJsonAsync(bearer)).RootElement.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, apiKey.StatusCode);
    }

    [Fact]
    public async Task An_issuer_that_goes_down_after_its_keys_were_read_does_not_stop_bearer_calls()
    {
        await using var issuer = await TestIssuer.StartAsync();
        await using var server = await ServerFixture.StartAsync(issuer.Configure);
        var token = issuer.Mint(server.Clock.GetUtcNow());
        using var first = await server.SendWithBearerAsync(HttpMethod.Get, AdminRoute, null, token);

        await issuer.StopAsync();
        using var afterOutage = await server.SendWithBearerAsync(HttpMethod.Get, AdminRoute, null, token);
        using var unknownKeyAfterOutage = await server.SendWithBearerAsync(HttpMethod.Get, AdminRoute, null, issuer.Mint(server.Clock.GetUtcNow(), signedWith: issuer.StrangerKey()));

        using var afterFailedRead = await server.SendWithBearerAsync(HttpMethod.Get, AdminRoute, null, token);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, afterOutage.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknownKeyAfterOutage.StatusCode);
        Assert.Equal(HttpStatusCode.OK, afterFailedRead.StatusCode);
    }

    [Fact]
    public async Task Keys_of_an_issuer_that_stays_unreachable_stop_being_used_once_they_are_a_day_old()
    {
        await using var issuer = await TestIssuer.StartAsync();
        await using var server = await ServerFixture.StartAsync(issuer.Configure);
        using var first = await server.SendWithBearerAsync(HttpMethod.Get, AdminRoute, null, issuer.Mint(server.Clock.GetUtcNow()));
        await issuer.StopAsync();

        server.Clock.Advance(IssuerKeys.KeyLifetime - TimeSpan.FromMinutes(1));
        using var withinLifetime = await server.SendWithBearerAsync(HttpMethod.Get, AdminRoute, null, issuer.Mint(server.Clock.GetUtcNow()));
        server.Clock.Advance(TimeSpan.FromMinutes(1));
        using var pastLifetime = await server.SendWithBearerAsync(HttpMethod.Get, AdminRoute, null, issuer.Mint(server.Clock.GetUtcNow()));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withinLifetime.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, pastLifetime.StatusCode);
        Assert.Equal("issuer_unavailable", (await ServerFixture.ReadJsonAsync(pastLifetime)).RootElement.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Failed_bearer_tokens_count_against_the_address_like_wrong_keys_after_which_only_credentials_it_can_check_without_storage_are_served()
    {
        await using var issuer = await TestIssuer.StartAsync();
        await using var server = await ServerFixture.StartAsync(s =>
        {
            issuer.Configure(s);
            s["Licensing:FailedKeyLimitPerAddress"] = "3";
        });
        var wrongAudience = issuer.Mint(server.Clock.GetUtcNow(), audience: "api://another-api");

        var statuses = new List<HttpStatusCode>();
        foreach (var token in new[] { wrongAudience, "garbage", wrongAudience, wrongAudience })
        {
            using var response = await server.SendWithBearerAsync(HttpMethod.Get, AdminRoute, null, token);
            statuses.Add(response.StatusCode);
        }

        using var rightKey = await server.SendAsync(HttpMethod.Get, AdminRoute, null, ServerFixture.AdminKey);
        using var rightToken = await server.SendWithBearerAsync(HttpMethod.Get, AdminRoute, null, issuer.Mint(server.Clock.GetUtcNow()));
        using var wrongAgain = await server.SendWithBearerAsync(HttpMethod.Get, AdminRoute, null, wrongAudience);
        using var unknownKey = await server.SendAsync(HttpMethod.Get, AdminRoute, null, "lk_unknownkey_" + new string('a', 32));

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.OK, rightKey.StatusCode);
        Assert.Equal(HttpStatusCode.OK, rightToken.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, wrongAgain.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, unknownKey.StatusCode);
    }

    [Fact]
    public async Task Without_an_issuer_set_a_bearer_token_is_refused_401_and_the_issuer_is_never_asked()
    {
        await using var issuer = await TestIssuer.StartAsync();
        await using var server = await ServerFixture.StartAsync(_ => { });

        using var response = await server.SendWithBearerAsync(HttpMethod.Get, AdminRoute, null, issuer.Mint(server.Clock.GetUtcNow()));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(response.Headers.WwwAuthenticate);
        Assert.Equal(0, issuer.MetadataReads);
    }
}
