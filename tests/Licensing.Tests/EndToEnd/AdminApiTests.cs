using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Licensing.Tests.Support;

namespace Licensing.Tests.EndToEnd;

/// <summary>The admin API of CONTRACT.md: licenses (create, get, list, patch, delete, revoke a seat) and API keys.</summary>
public sealed class AdminApiTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const int File = 0;
    private const int Activation = 1;
    private const int Floating = 2;

    private static readonly string[] LicenseViewFields =
    [
        "licenseId", "userKey", "productId", "licensingMode", "maxClientCount", "activeClientCount", "expireAt",
        "supportExpireAt", "heartbeatInterval", "customerName", "features", "revoked", "suspended", "issuedAt",
    ];

    // ---- create ----

    [Fact]
    public async Task Create_answers_201_with_the_license_view_a_generated_user_key_and_the_default_product()
    {
        var (status, view) = await AdminAsync(HttpMethod.Post, "v1/admin/licenses", new { licensingMode = Activation, maxClientCount = 3 });

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.All(LicenseViewFields, name => Assert.True(view.TryGetProperty(name, out _), $"the view lacks '{name}': {view.GetRawText()}"));
        Assert.Matches("^[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){4}$", view.GetProperty("userKey").GetString());
        Assert.Equal("default", view.GetProperty("productId").GetString());
        Assert.Equal(Activation, view.GetProperty("licensingMode").GetInt32());
        Assert.Equal(3, view.GetProperty("maxClientCount").GetInt32());
        Assert.Equal(0, view.GetProperty("activeClientCount").GetInt32());
        Assert.Equal(JsonValueKind.Null, view.GetProperty("expireAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, view.GetProperty("supportExpireAt").ValueKind);
        Assert.Equal(300, view.GetProperty("heartbeatInterval").GetProperty("seconds").GetInt64());
        Assert.Empty(view.GetProperty("features").EnumerateArray());
        Assert.False(view.GetProperty("revoked").GetBoolean());
        Assert.False(view.GetProperty("suspended").GetBoolean());
        Assert.Equal(server.Clock.GetUtcNow().ToUnixTimeSeconds(), view.GetProperty("issuedAt").GetProperty("seconds").GetInt64(), tolerance: 1);
        var row = await server.StoredLicenseRowAsync(view.GetProperty("licenseId").GetString()!);
        Assert.NotNull(row);
        Assert.Equal(3, row.GetInt32("MaxClientCount"));
    }

    [Fact]
    public async Task Two_generated_user_keys_differ()
    {
        var (_, first) = await AdminAsync(HttpMethod.Post, "v1/admin/licenses", new { licensingMode = File, maxClientCount = 1 });
        var (_, second) = await AdminAsync(HttpMethod.Post, "v1/admin/licenses", new { licensingMode = File, maxClientCount = 1 });

        Assert.NotEqual(first.GetProperty("userKey").GetString(), second.GetProperty("userKey").GetString());
        Assert.NotEqual(first.GetProperty("licenseId").GetString(), second.GetProperty("licenseId").GetString());
    }

    [Fact]
    public async Task Create_keeps_a_custom_user_key_and_every_field_given_and_clients_can_use_it_at_once()
    {
        var userKey = "ACME-" + Guid.NewGuid().ToString("N");
        var expireAt = server.Clock.GetUtcNow().AddDays(30).ToUnixTimeSeconds();
        var supportExpireAt = server.Clock.GetUtcNow().AddDays(60).ToUnixTimeSeconds();

        var (status, view) = await AdminAsync(HttpMethod.Post, "v1/admin/licenses", new
        {
            licensingMode = Floating,
            maxClientCount = 4,
            productId = "acme-pro-2",
            expireAt = new { seconds = expireAt, nanos = 0 },
            supportExpireAt = new { seconds = supportExpireAt, nanos = 0 },
            heartbeatInterval = new { seconds = 45, nanos = 0 },
            customerName = "Acme Ltd",
            features = new List<string> { "export", "sso" },
            userKey,
        });
        var granted = (await server.CallAsync("v1/license/request", new { userKey, machineId = "m1" })).RootElement;

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(userKey, view.GetProperty("userKey").GetString());
        Assert.Equal("acme-pro-2", view.GetProperty("productId").GetString());
        Assert.Equal(Floating, view.GetProperty("licensingMode").GetInt32());
        Assert.Equal(4, view.GetProperty("maxClientCount").GetInt32());
        Assert.Equal(expireAt, view.GetProperty("expireAt").GetProperty("seconds").GetInt64());
        Assert.Equal(supportExpireAt, view.GetProperty("supportExpireAt").GetProperty("seconds").GetInt64());
        Assert.Equal(45, view.GetProperty("heartbeatInterval").GetProperty("seconds").GetInt64());
        Assert.Equal("Acme Ltd", view.GetProperty("customerName").GetString());
        Assert.Equal(["export", "sso"], Strings(view.GetProperty("features")));
        Assert.True(granted.GetProperty("granted").GetBoolean(), granted.GetRawText());
        Assert.Equal(view.GetProperty("licenseId").GetString(), granted.GetProperty("license").GetProperty("licenseId").GetString());
        Assert.Equal(45, granted.GetProperty("heartbeatInterval").GetProperty("seconds").GetInt64());
    }

    // ---- get and list ----

    [Fact]
    public async Task Get_by_id_answers_the_license_view_with_its_license_tokens()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 3);
        var token = await RequestTokenAsync(license, "m1", "c1");
        await RequestTokenAsync(license, "m2", "c2");

        var (status, view) = await AdminAsync(HttpMethod.Get, $"v1/admin/licenses/{license.LicenseId}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.All(LicenseViewFields, name => Assert.True(view.TryGetProperty(name, out _), $"the view lacks '{name}'"));
        Assert.Equal(license.LicenseId, view.GetProperty("licenseId").GetString());
        Assert.Equal(license.UserKey, view.GetProperty("userKey").GetString());
        Assert.Equal(2, view.GetProperty("activeClientCount").GetInt32());
        var tokens = view.GetProperty("licenseTokens").EnumerateArray().ToList();
        Assert.Equal(2, tokens.Count);
        Assert.Equal(["m1", "m2"], tokens.Select(t => t.GetProperty("machineId").GetString()!).Order(StringComparer.Ordinal).ToArray());
        Assert.All(tokens, t => Assert.StartsWith("fltk_", t.GetProperty("token").GetString(), StringComparison.Ordinal));
        Assert.All(tokens, t => Assert.False(t.GetProperty("revoked").GetBoolean()));
        Assert.DoesNotContain(token, view.GetRawText(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("lic_aaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("not-a-license-id")]
    public async Task Get_of_an_unknown_license_is_a_404_license_not_found(string licenseId)
    {
        var (status, problem) = await AdminAsync(HttpMethod.Get, $"v1/admin/licenses/{licenseId}");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("license_not_found", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task List_pages_through_every_license_by_continuation_token()
    {
        var created = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            created.Add((await server.CreateLicenseAsync(File, seats: 1)).LicenseId);
        }

        var seen = new List<string>();
        string? continuation = null;
        var pages = 0;
        do
        {
            var route = "v1/admin/licenses?pageSize=2" + (continuation is null ? "" : "&continuationToken=" + Uri.EscapeDataString(continuation));
            var (status, page) = await AdminAsync(HttpMethod.Get, route);
            Assert.Equal(HttpStatusCode.OK, status);
            var items = page.GetProperty("items").EnumerateArray().ToList();
            Assert.InRange(items.Count, 0, 2);
            Assert.All(items, item => Assert.All(LicenseViewFields, name => Assert.True(item.TryGetProperty(name, out _), name)));
            seen.AddRange(items.Select(i => i.GetProperty("licenseId").GetString()!));
            continuation = page.GetProperty("continuationToken").GetString();
            Assert.True(++pages < 1000, "the continuation tokens never end");
        }
        while (continuation is not null);

        Assert.All(created, id => Assert.Contains(id, seen));
        Assert.Equal(seen.Count, seen.Distinct(StringComparer.Ordinal).Count());
        Assert.True(pages >= 2, $"{seen.Count} licenses came in {pages} page(s) of at most 2");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("x")]
    [InlineData("2.5")]
    [InlineData("1001")]
    public async Task A_bad_page_size_is_a_400_naming_page_size(string pageSize)
    {
        var (status, problem) = await AdminAsync(HttpMethod.Get, $"v1/admin/licenses?pageSize={pageSize}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("pageSize", out _), problem.GetRawText());
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("a b c")]
    [InlineData("%00%01")]
    [InlineData("1!lic_a 1!license")]
    [InlineData("cccccccccccccccccccccccccccccccc")]
    public async Task A_continuation_token_the_api_never_returned_is_a_400_not_a_5xx(string token)
    {
        var (status, problem) = await AdminAsync(HttpMethod.Get, $"v1/admin/licenses?pageSize=2&continuationToken={Uri.EscapeDataString(token)}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
        Assert.Equal(["is not a token this API returned."], problem.GetProperty("errors").GetProperty("continuationToken").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task A_continuation_token_altered_by_the_client_is_a_400()
    {
        for (var i = 0; i < 4; i++)
        {
            await server.CreateLicenseAsync(Floating, seats: 1);
        }

        var (_, first) = await AdminAsync(HttpMethod.Get, "v1/admin/licenses?pageSize=2");
        var token = first.GetProperty("continuationToken").GetString()!;
        var altered = (token[0] == 'A' ? 'B' : 'A') + token[1..];
        var (genuine, next) = await AdminAsync(HttpMethod.Get, $"v1/admin/licenses?pageSize=2&continuationToken={Uri.EscapeDataString(token)}");
        var (status, problem) = await AdminAsync(HttpMethod.Get, $"v1/admin/licenses?pageSize=2&continuationToken={Uri.EscapeDataString(altered)}");

        Assert.Equal(HttpStatusCode.OK, genuine);
        Assert.Equal(2, next.GetProperty("items").GetArrayLength());
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
    }

    // ---- patch ----

    [Fact]
    public async Task Patch_changes_the_seat_limit_customer_name_and_features_and_answers_the_view()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 2, extra: new { customerName = "Before", features = new List<string> { "old" } });

        var (status, view) = await AdminAsync(HttpMethod.Patch, $"v1/admin/licenses/{license.LicenseId}",
            new { maxClientCount = 5, customerName = "After", features = new List<string> { "a", "b" } });
        var (_, fetched) = await AdminAsync(HttpMethod.Get, $"v1/admin/licenses/{license.LicenseId}");
        var granted = (await server.CallAsync("v1/license/request", new { license.UserKey, machineId = "m1" })).RootElement;

        Assert.Equal(HttpStatusCode.OK, status);
        foreach (var shown in new[] { view, fetched })
        {
            Assert.Equal(5, shown.GetProperty("maxClientCount").GetInt32());
            Assert.Equal("After", shown.GetProperty("customerName").GetString());
            Assert.Equal(["a", "b"], Strings(shown.GetProperty("features")));
            Assert.Equal(Floating, shown.GetProperty("licensingMode").GetInt32());
        }

        Assert.Equal(5, granted.GetProperty("maxClientCount").GetInt32());
        Assert.Equal(5, (await server.StoredLicenseRowAsync(license.LicenseId))!.GetInt32("MaxClientCount"));
    }

    [Fact]
    public async Task A_patch_leaves_fields_it_does_not_name_alone()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 2, heartbeatSeconds: 90, extra: new { customerName = "Keep", features = new List<string> { "f" } });

        var (_, view) = await AdminAsync(HttpMethod.Patch, $"v1/admin/licenses/{license.LicenseId}", new { maxClientCount = 7 });

        Assert.Equal(7, view.GetProperty("maxClientCount").GetInt32());
        Assert.Equal("Keep", view.GetProperty("customerName").GetString());
        Assert.Equal(["f"], Strings(view.GetProperty("features")));
        Assert.Equal(90, view.GetProperty("heartbeatInterval").GetProperty("seconds").GetInt64());
        Assert.False(view.GetProperty("suspended").GetBoolean());
        Assert.False(view.GetProperty("revoked").GetBoolean());
    }

    [Fact]
    public async Task A_suspended_license_validates_as_license_suspended_until_it_is_resumed()
    {
        var license = await server.CreateLicenseAsync(File, seats: 1);
        Assert.True((await ValidateAsync(license)).GetProperty("success").GetBoolean());

        var (_, suspended) = await AdminAsync(HttpMethod.Patch, $"v1/admin/licenses/{license.LicenseId}", new { suspended = true });
        var whileSuspended = await ValidateAsync(license);
        await AdminAsync(HttpMethod.Patch, $"v1/admin/licenses/{license.LicenseId}", new { suspended = false });
        var resumed = await ValidateAsync(license);

        Assert.True(suspended.GetProperty("suspended").GetBoolean());
        Assert.False(whileSuspended.GetProperty("success").GetBoolean());
        Assert.Equal("license_suspended", whileSuspended.GetProperty("reason").GetString());
        Assert.True(resumed.GetProperty("success").GetBoolean(), resumed.GetRawText());
    }

    [Fact]
    public async Task A_revoked_license_validates_as_license_revoked()
    {
        var license = await server.CreateLicenseAsync(File, seats: 1);

        var (_, revoked) = await AdminAsync(HttpMethod.Patch, $"v1/admin/licenses/{license.LicenseId}", new { revoked = true });
        var validated = await ValidateAsync(license);

        Assert.True(revoked.GetProperty("revoked").GetBoolean());
        Assert.False(validated.GetProperty("success").GetBoolean());
        Assert.Equal("license_revoked", validated.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task An_expiry_moved_into_the_past_validates_as_license_expired()
    {
        var license = await server.CreateLicenseAsync(File, seats: 1);
        var past = server.Clock.GetUtcNow().AddMinutes(-1).ToUnixTimeSeconds();

        var (status, view) = await AdminAsync(HttpMethod.Patch, $"v1/admin/licenses/{license.LicenseId}", new { expireAt = new { seconds = past, nanos = 0 } });
        var validated = await ValidateAsync(license);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(past, view.GetProperty("expireAt").GetProperty("seconds").GetInt64());
        Assert.False(validated.GetProperty("success").GetBoolean());
        Assert.Equal("license_expired", validated.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Lowering_the_seat_limit_below_the_live_seats_revokes_no_one_but_grants_nothing_until_seats_free_up()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 3);
        var tokens = new[] { await RequestTokenAsync(license, "m1"), await RequestTokenAsync(license, "m2"), await RequestTokenAsync(license, "m3") };

        var (_, view) = await AdminAsync(HttpMethod.Patch, $"v1/admin/licenses/{license.LicenseId}", new { maxClientCount = 2 });

        Assert.Equal(2, view.GetProperty("maxClientCount").GetInt32());
        Assert.Equal(3, view.GetProperty("activeClientCount").GetInt32());
        for (var i = 0; i < 3; i++)
        {
            var beat = (await server.CallAsync("v1/license/heartbeat", new { licenseToken = tokens[i], machineId = $"m{i + 1}" })).RootElement;
            Assert.True(beat.GetProperty("active").GetBoolean(), beat.GetRawText());
        }

        Assert.Equal("seats_exhausted", (await RequestAsync(license, "m4")).GetProperty("reason").GetString());
        await server.CallAsync("v1/license/release", new { licenseToken = tokens[0], machineId = "m1" });
        Assert.Equal("seats_exhausted", (await RequestAsync(license, "m4")).GetProperty("reason").GetString());
        Assert.Equal(2, (await server.StoredLicenseRowAsync(license.LicenseId))!.GetInt32("LiveSeats"));
        await server.CallAsync("v1/license/release", new { licenseToken = tokens[1], machineId = "m2" });
        var granted = await RequestAsync(license, "m4");

        Assert.True(granted.GetProperty("granted").GetBoolean(), granted.GetRawText());
        Assert.Equal(2, granted.GetProperty("activeClientCount").GetInt32());
        Assert.Equal(2, (await server.StoredLicenseRowAsync(license.LicenseId))!.GetInt32("LiveSeats"));
    }

    [Theory]
    [InlineData("expireAt", "0001-01-01T00:00:00Z")]
    [InlineData("supportExpireAt", "1600-12-31T23:59:59Z")]
    [InlineData("expireAt", "1969-12-31T23:59:59Z")]
    public async Task A_date_string_before_1970_is_a_400_naming_the_field_like_the_seconds_form(string field, string date)
    {
        var license = await server.CreateLicenseAsync(mode: 2, seats: 1);
        var before = await server.StoredLicenseRowAsync(license.LicenseId);

        var (status, problem) = await AdminAsync(HttpMethod.Patch, $"v1/admin/licenses/{license.LicenseId}", new Dictionary<string, object> { [field] = date });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.GetRawText());
        Assert.Equal(before!.ETag, (await server.StoredLicenseRowAsync(license.LicenseId))!.ETag);
    }

    [Fact]
    public async Task Patch_of_an_unknown_license_is_a_404_license_not_found()
    {
        var (status, problem) = await AdminAsync(HttpMethod.Patch, "v1/admin/licenses/lic_aaaaaaaaaaaaaaaaaaaaaaaaaa", new { maxClientCount = 2 });

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("license_not_found", problem.GetProperty("code").GetString());
    }

    // ---- delete ----

    [Fact]
    public async Task Deleting_a_license_answers_204_and_its_holders_get_license_not_found_at_once()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 2);
        var token = await RequestTokenAsync(license, "m1");

        var (status, _) = await AdminAsync(HttpMethod.Delete, $"v1/admin/licenses/{license.LicenseId}");
        var beat = (await server.CallAsync("v1/license/heartbeat", new { licenseToken = token, machineId = "m1" })).RootElement;
        var validated = (await server.CallAsync("v1/license/validate", new { license.UserKey, machineId = "m1" })).RootElement;
        var request = await RequestAsync(license, "m2");
        var (getStatus, problem) = await AdminAsync(HttpMethod.Get, $"v1/admin/licenses/{license.LicenseId}");
        var (againStatus, _) = await AdminAsync(HttpMethod.Delete, $"v1/admin/licenses/{license.LicenseId}");

        Assert.Equal(HttpStatusCode.NoContent, status);
        Assert.False(beat.GetProperty("active").GetBoolean());
        Assert.Equal("license_not_found", beat.GetProperty("reason").GetString());
        Assert.Equal("license_not_found", validated.GetProperty("reason").GetString());
        Assert.Equal("license_not_found", request.GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.NotFound, getStatus);
        Assert.Equal("license_not_found", problem.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.NotFound, againStatus);
        Assert.Null(await server.StoredLicenseRowAsync(license.LicenseId));
    }

    [Fact]
    public async Task Deleting_an_activation_license_leaves_its_machines_unlicensed_at_once()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 1);
        var activated = (await server.CallAsync("v1/license/activate", new { license.UserKey, machineId = "m1" })).RootElement;
        Assert.True(activated.GetProperty("success").GetBoolean());

        var (status, _) = await AdminAsync(HttpMethod.Delete, $"v1/admin/licenses/{license.LicenseId}");
        var validated = (await server.CallAsync("v1/license/validate", new { license.UserKey, machineId = "m1" })).RootElement;
        using var info = await server.PostAsync("v1/license/info", new { license.UserKey, machineId = "m1" });

        Assert.Equal(HttpStatusCode.NoContent, status);
        Assert.False(validated.GetProperty("success").GetBoolean());
        Assert.Equal("license_not_found", validated.GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.NotFound, info.StatusCode);
    }

    // ---- revoke one seat ----

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Revoking_a_token_kicks_its_client_and_frees_the_seat_at_once(bool byPublicId)
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 1);
        var token = await RequestTokenAsync(license, "m1");
        var info = (await server.CallAsync("v1/license/info", new { license.UserKey, machineId = "m1" })).RootElement;
        var publicId = info.GetProperty("licenseTokens")[0].GetProperty("token").GetString()!;
        object body = byPublicId ? new { token = publicId } : new { licenseToken = token };

        var (status, view) = await AdminAsync(HttpMethod.Post, $"v1/admin/licenses/{license.LicenseId}/tokens/revoke", body);
        var beat = (await server.CallAsync("v1/license/heartbeat", new { licenseToken = token, machineId = "m1" })).RootElement;
        var other = await RequestAsync(license, "m2");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(license.LicenseId, view.GetProperty("licenseId").GetString());
        Assert.Equal(0, view.GetProperty("activeClientCount").GetInt32());
        var shown = Assert.Single(view.GetProperty("licenseTokens").EnumerateArray(), t => t.GetProperty("token").GetString() == publicId);
        Assert.True(shown.GetProperty("revoked").GetBoolean());
        Assert.False(beat.GetProperty("active").GetBoolean());
        Assert.Equal("token_revoked", beat.GetProperty("reason").GetString());
        Assert.True(other.GetProperty("granted").GetBoolean(), other.GetRawText());
        Assert.Equal(1, (await server.StoredLicenseRowAsync(license.LicenseId))!.GetInt32("LiveSeats"));
    }

    [Fact]
    public async Task Revoking_an_activation_by_its_public_id_frees_the_seat_and_the_machine_is_no_longer_activated()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 1);
        await server.CallAsync("v1/license/activate", new { license.UserKey, machineId = "m1" });
        var info = (await server.CallAsync("v1/license/info", new { license.UserKey, machineId = "m1" })).RootElement;
        var publicId = info.GetProperty("licenseTokens")[0].GetProperty("token").GetString()!;

        var (status, _) = await AdminAsync(HttpMethod.Post, $"v1/admin/licenses/{license.LicenseId}/tokens/revoke", new { token = publicId });
        var validated = (await server.CallAsync("v1/license/validate", new { license.UserKey, machineId = "m1" })).RootElement;
        var other = (await server.CallAsync("v1/license/activate", new { license.UserKey, machineId = "m2" })).RootElement;

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(validated.GetProperty("success").GetBoolean());
        Assert.Equal("not_activated", validated.GetProperty("reason").GetString());
        Assert.True(other.GetProperty("success").GetBoolean(), other.GetRawText());
    }

    // ---- API keys ----

    [Fact]
    public async Task Creating_an_api_key_shows_the_key_once_and_the_list_never_shows_it_or_its_hash()
    {
        var (status, created) = await AdminAsync(HttpMethod.Post, "v1/admin/api-keys", new { name = "shown-once", scope = "client" });
        var key = created.GetProperty("key").GetString()!;
        var id = created.GetProperty("id").GetString()!;
        var (listStatus, list) = await AdminAsync(HttpMethod.Get, "v1/admin/api-keys");
        var license = await server.CreateLicenseAsync(File, seats: 1);
        using var used = await server.PostAsync("v1/license/validate", new { license.UserKey, machineId = "m1" }, apiKey: key);

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("shown-once", created.GetProperty("name").GetString());
        Assert.Equal("client", created.GetProperty("scope").GetString());
        Assert.True(created.TryGetProperty("productId", out _));
        Assert.True(created.TryGetProperty("createdAt", out _));
        Assert.StartsWith("lk_", key, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, used.StatusCode);
        Assert.Equal(HttpStatusCode.OK, listStatus);
        var item = Assert.Single(list.GetProperty("items").EnumerateArray(), k => k.GetProperty("id").GetString() == id);
        Assert.Equal("shown-once", item.GetProperty("name").GetString());
        Assert.Equal("client", item.GetProperty("scope").GetString());
        var text = list.GetRawText();
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        Assert.DoesNotContain(key, text, StringComparison.Ordinal);
        Assert.DoesNotContain(key[3..], text, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexString(hash), text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Convert.ToBase64String(hash), text, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(hash).TrimEnd('=').Replace('+', '-').Replace('/', '_'), text, StringComparison.Ordinal);
        Assert.All(list.GetProperty("items").EnumerateArray(), k => Assert.All(k.EnumerateObject(), p =>
        {
            Assert.DoesNotContain("key", p.Name, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("hash", p.Name, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("secret", p.Name, StringComparison.OrdinalIgnoreCase);
        }));
    }

    [Fact]
    public async Task Deleting_an_api_key_answers_204_then_404_for_the_same_id()
    {
        var (_, created) = await AdminAsync(HttpMethod.Post, "v1/admin/api-keys", new { name = "doomed", scope = "client" });
        var id = created.GetProperty("id").GetString()!;

        var (first, _) = await AdminAsync(HttpMethod.Delete, $"v1/admin/api-keys/{id}");
        var (second, problem) = await AdminAsync(HttpMethod.Delete, $"v1/admin/api-keys/{id}");
        var (_, list) = await AdminAsync(HttpMethod.Get, "v1/admin/api-keys");

        Assert.Equal(HttpStatusCode.NoContent, first);
        Assert.Equal(HttpStatusCode.NotFound, second);
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("code").GetString()));
        Assert.DoesNotContain(list.GetProperty("items").EnumerateArray(), k => k.GetProperty("id").GetString() == id);
    }

    [Theory]
    [InlineData("scope", "{\"name\": \"k\", \"scope\": \"root\"}")]
    [InlineData("scope", "{\"name\": \"k\"}")]
    [InlineData("name", "{\"scope\": \"client\"}")]
    [InlineData("name", "{\"name\": \"  \", \"scope\": \"client\"}")]
    [InlineData("productId", "{\"name\": \"k\", \"scope\": \"client\", \"productId\": \"Not_Valid\"}")]
    public async Task Bad_api_key_input_is_a_400_naming_the_field_and_creates_no_key(string field, string body)
    {
        var (status, problem) = await AdminAsync(HttpMethod.Post, "v1/admin/api-keys", body);
        var (_, after) = await AdminAsync(HttpMethod.Get, "v1/admin/api-keys");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.GetRawText());
        Assert.DoesNotContain(after.GetProperty("items").EnumerateArray(), k => k.GetProperty("name").GetString() == "k");
    }

    [Fact]
    public async Task An_admin_scoped_key_created_through_the_api_can_manage_licenses()
    {
        var (_, created) = await AdminAsync(HttpMethod.Post, "v1/admin/api-keys", new { name = "second-admin", scope = "admin" });
        var key = created.GetProperty("key").GetString()!;

        using var response = await server.SendAsync(HttpMethod.Post, "v1/admin/licenses", new { licensingMode = File, maxClientCount = 1 }, key);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task A_product_bound_client_key_acts_on_its_product_and_sees_other_products_exactly_as_unknown_user_keys()
    {
        var product = "prod-" + Guid.NewGuid().ToString("N")[..8];
        var own = await server.CreateLicenseAsync(Floating, seats: 2, extra: new { productId = product });
        var foreign = await server.CreateLicenseAsync(Floating, seats: 2, extra: new { productId = "other-product" });
        var foreignToken = await RequestTokenAsync(foreign, "m1");
        var (_, created) = await AdminAsync(HttpMethod.Post, "v1/admin/api-keys", new { name = "bound", scope = "client", productId = product });
        Assert.Equal(product, created.GetProperty("productId").GetString());
        var key = created.GetProperty("key").GetString()!;
        var unknownUserKey = "UNKNOWN-" + Guid.NewGuid().ToString("N");

        var ownGrant = await CallWithKeyAsync(key, "v1/license/request", new { own.UserKey, machineId = "m1" });
        foreach (var route in new[] { "v1/license/request", "v1/license/validate", "v1/license/info" })
        {
            var onForeign = await CallWithKeyAsync(key, route, new { foreign.UserKey, machineId = "m2" });
            var onUnknown = await CallWithKeyAsync(key, route, new { userKey = unknownUserKey, machineId = "m2" });
            Assert.Equal(onUnknown.Status, onForeign.Status);
            Assert.Equal(onUnknown.Body.GetRawText(), onForeign.Body.GetRawText());
            var code = onForeign.Body.TryGetProperty("reason", out var reason) ? reason : onForeign.Body.GetProperty("code");
            Assert.Equal("license_not_found", code.GetString());
        }

        var beat = await CallWithKeyAsync(key, "v1/license/heartbeat", new { licenseToken = foreignToken, machineId = "m1" });
        var release = await CallWithKeyAsync(key, "v1/license/release", new { licenseToken = foreignToken, machineId = "m1" });

        Assert.Equal(HttpStatusCode.OK, ownGrant.Status);
        Assert.True(ownGrant.Body.GetProperty("granted").GetBoolean(), ownGrant.Body.GetRawText());
        Assert.False(beat.Body.GetProperty("active").GetBoolean());
        Assert.Equal("license_not_found", beat.Body.GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.NotFound, release.Status);
        Assert.Equal("license_not_found", release.Body.GetProperty("code").GetString());
        Assert.Equal(1, (await server.StoredLicenseRowAsync(foreign.LicenseId))!.GetInt32("LiveSeats"));
        Assert.Equal(1, (await server.StoredLicenseRowAsync(own.LicenseId))!.GetInt32("LiveSeats"));
    }

    // ---- helpers ----

    private async Task<(HttpStatusCode Status, JsonElement Body)> AdminAsync(HttpMethod method, string route, object? body = null)
    {
        using var response = await server.SendAsync(method, route, body, ServerFixture.AdminKey);
        using var json = await ServerFixture.ReadJsonAsync(response);
        Assert.True((int)response.StatusCode < 500, $"{method} {route} answered {(int)response.StatusCode}: {json.RootElement.GetRawText()}");
        return (response.StatusCode, json.RootElement.Clone());
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> CallWithKeyAsync(string apiKey, string route, object body)
    {
        using var response = await server.PostAsync(route, body, apiKey);
        using var json = await ServerFixture.ReadJsonAsync(response);
        return (response.StatusCode, json.RootElement.Clone());
    }

    private async Task<JsonElement> ValidateAsync(License license) =>
        (await server.CallAsync("v1/license/validate", new { license.UserKey, machineId = "m1" })).RootElement;

    private async Task<JsonElement> RequestAsync(License license, string machineId) =>
        (await server.CallAsync("v1/license/request", new { license.UserKey, machineId })).RootElement;

    private async Task<string> RequestTokenAsync(License license, string machineId, string? clientId = null)
    {
        var granted = (await server.CallAsync("v1/license/request", new { license.UserKey, machineId, clientId })).RootElement;
        Assert.True(granted.GetProperty("granted").GetBoolean(), granted.GetRawText());
        return granted.GetProperty("licenseToken").GetString()!;
    }

    private static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();
}
