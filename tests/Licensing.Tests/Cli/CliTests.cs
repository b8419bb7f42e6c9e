using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Licensing.Tests.Support;

namespace Licensing.Tests.Cli;

/// <summary>
/// The <c>licensing</c> CLI, run as a real process (<c>dotnet Licensing.Cli.dll</c>) against a real server: its
/// commands, its tables and <c>--json</c>, and its exit codes (0 success, 1 denied, 2 usage, 3 the call failed).
/// </summary>
[Collection(SlowTests.Name)]
[Trait("Category", "Slow")]
public sealed class CliTests(NearWallClockServerFixture server) : IClassFixture<NearWallClockServerFixture>
{
    private const int Activation = 1;
    private const int Floating = 2;

    private static readonly string CliDll = CliPaths.Dll;

    private string Url => server.Http.BaseAddress!.ToString();

    // ---- licenses ----

    [Fact]
    public async Task Licenses_create_prints_the_new_license_and_list_shows_it_in_the_table_and_in_the_json()
    {
        var created = await AdminAsync("licenses", "create", "--mode", "floating", "--seats", "3", "--customer", "Cli Corp",
            "--feature", "pro", "--feature", "sso", "--expires", "2030-01-01", "--heartbeat", "45", "--product", "cli-app");
        var licenseId = FieldOf(created, "licenseId");

        var table = await AdminAsync("licenses", "list", "--all");
        var json = await AdminAsync("licenses", "list", "--all", "--json");

        Assert.StartsWith("lic_", licenseId);
        Assert.Equal("floating", FieldOf(created, "licensingMode"));
        Assert.Equal("3", FieldOf(created, "maxClientCount"));
        Assert.Equal("Cli Corp", FieldOf(created, "customerName"));
        Assert.Equal("pro,sso", FieldOf(created, "features"));
        Assert.Equal("2030-01-01T00:00:00Z", FieldOf(created, "expireAt"));
        Assert.Equal("45s", FieldOf(created, "heartbeatInterval"));
        Assert.Equal("cli-app", FieldOf(created, "productId"));

        var header = table.StdOut.Split('\n')[0];
        Assert.StartsWith("LICENSE ID", header);
        var row = Assert.Single(table.StdOut.Split('\n'), line => line.StartsWith(licenseId, StringComparison.Ordinal));
        Assert.Contains("floating", row);
        Assert.Contains("0/3", row);
        Assert.Contains("Cli Corp", row);
        Assert.Equal(header.IndexOf("MODE", StringComparison.Ordinal), row.IndexOf("floating", StringComparison.Ordinal));

        using var list = JsonDocument.Parse(json.StdOut);
        var item = Assert.Single(list.RootElement.GetProperty("items").EnumerateArray(), i => i.GetProperty("licenseId").GetString() == licenseId);
        Assert.Equal(3, item.GetProperty("maxClientCount").GetInt32());
        Assert.Equal(Floating, item.GetProperty("licensingMode").GetInt32());
        Assert.Equal(JsonValueKind.Null, list.RootElement.GetProperty("continuationToken").ValueKind);
    }

    [Fact]
    public async Task Licenses_list_with_all_follows_the_continuation_tokens_past_the_first_page()
    {
        var first = await server.CreateLicenseAsync(Floating, seats: 1);
        var second = await server.CreateLicenseAsync(Floating, seats: 1);

        var onePage = await AdminAsync("licenses", "list", "--page-size", "1", "--json");
        var all = await AdminAsync("licenses", "list", "--page-size", "1", "--all", "--json");

        using var page = JsonDocument.Parse(onePage.StdOut);
        Assert.Single(page.RootElement.GetProperty("items").EnumerateArray());
        Assert.False(string.IsNullOrEmpty(page.RootElement.GetProperty("continuationToken").GetString()));
        using var everything = JsonDocument.Parse(all.StdOut);
        var ids = everything.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("licenseId").GetString()).ToList();
        Assert.Contains(first.LicenseId, ids);
        Assert.Contains(second.LicenseId, ids);
    }

    [Fact]
    public async Task Licenses_show_prints_key_value_lines_and_json_with_the_seats()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 2);
        await ClientAsync("request", "--user-key", license.UserKey, "--machine-id", "show-machine", "--client-id", "app", "--client-name", "Show agent");

        var table = await AdminAsync("licenses", "show", license.LicenseId);
        var json = await AdminAsync("licenses", "show", license.LicenseId, "--json");

        Assert.Equal(license.LicenseId, FieldOf(table, "licenseId"));
        Assert.Equal(license.UserKey, FieldOf(table, "userKey"));
        Assert.Equal("1", FieldOf(table, "activeClientCount"));
        Assert.Equal("active", FieldOf(table, "state"));
        Assert.Contains(table.StdOut.Split('\n'), line => line.StartsWith("fltk_", StringComparison.Ordinal) && line.Contains("show-machine") && line.Contains("Show agent"));

        using var view = JsonDocument.Parse(json.StdOut);
        Assert.Equal(license.LicenseId, view.RootElement.GetProperty("licenseId").GetString());
        var token = Assert.Single(view.RootElement.GetProperty("licenseTokens").EnumerateArray());
        Assert.Equal("show-machine", token.GetProperty("machineId").GetString());
    }

    [Fact]
    public async Task Licenses_update_changes_seats_customer_features_and_suspension_and_resume_undoes_it()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 1);

        var updated = await AdminAsync("licenses", "update", license.LicenseId, "--seats", "7", "--customer", "Renamed Ltd",
            "--feature", "export", "--suspend", "--expires", "2031-06-30T12:00:00Z");
        var resumed = await AdminAsync("licenses", "update", license.LicenseId, "--resume", "--json");

        Assert.Equal("7", FieldOf(updated, "maxClientCount"));
        Assert.Equal("Renamed Ltd", FieldOf(updated, "customerName"));
        Assert.Equal("export", FieldOf(updated, "features"));
        Assert.Equal("2031-06-30T12:00:00Z", FieldOf(updated, "expireAt"));
        Assert.Equal("suspended", FieldOf(updated, "state"));
        using var view = JsonDocument.Parse(resumed.StdOut);
        Assert.False(view.RootElement.GetProperty("suspended").GetBoolean());
        Assert.Equal(7, view.RootElement.GetProperty("maxClientCount").GetInt32());
    }

    [Fact]
    public async Task Licenses_revoke_token_ends_the_seat_a_request_was_granted_and_its_heartbeat_is_then_denied()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 1);
        var granted = await ClientAsync("request", "--user-key", license.UserKey, "--machine-id", "kicked", "--json");
        using var grant = JsonDocument.Parse(granted.StdOut);
        var bearer = grant.RootElement.GetProperty("licenseToken").GetString()!;
        using var shown = JsonDocument.Parse((await AdminAsync("licenses", "show", license.LicenseId, "--json")).StdOut);
        var publicId = shown.RootElement.GetProperty("licenseTokens")[0].GetProperty("token").GetString()!;

        var revoked = await AdminAsync("licenses", "revoke-token", license.LicenseId, publicId);
        var heartbeat = await RunAsync(server.ClientKey, "heartbeat", "--token", bearer, "--machine-id", "kicked");

        Assert.StartsWith("fltk_", publicId);
        Assert.Equal("0", FieldOf(revoked, "activeClientCount"));
        Assert.Equal(1, heartbeat.ExitCode);
        Assert.Equal("false", FieldOf(heartbeat, "active"));
        Assert.Equal("token_revoked", FieldOf(heartbeat, "reason"));
    }

    [Fact]
    public async Task Licenses_events_shows_the_trail_newest_first_and_as_the_servers_json()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 1);
        await ClientAsync("request", "--user-key", license.UserKey, "--machine-id", "audited-pc", "--json");

        var table = await AdminAsync("licenses", "events", license.LicenseId);
        var json = await AdminAsync("licenses", "events", license.LicenseId, "--json", "--all");

        Assert.Equal(0, table.ExitCode);
        Assert.True(table.StdOut.IndexOf("seat.granted", StringComparison.Ordinal) < table.StdOut.IndexOf("license.created", StringComparison.Ordinal), table.StdOut);
        Assert.Contains("audited-pc", table.StdOut);
        using var page = JsonDocument.Parse(json.StdOut);
        var items = page.RootElement.GetProperty("items");
        Assert.Equal("seat.granted", items[0].GetProperty("type").GetString());
        Assert.Equal("license.created", items[1].GetProperty("type").GetString());
    }

    [Fact]
    public async Task Licenses_list_finds_by_the_start_of_the_customer_name_within_one_product()
    {
        var customer = "Searchable " + Guid.NewGuid().ToString("N")[..8];
        var wanted = await server.CreateLicenseAsync(Floating, seats: 1, extra: new { customerName = customer + " Ltd", productId = "cli-search" });
        await server.CreateLicenseAsync(Floating, seats: 1, extra: new { customerName = customer + " GmbH", productId = "cli-other" });

        var json = await AdminAsync("licenses", "list", "--search", customer.ToUpperInvariant(), "--product", "cli-search", "--json");

        using var page = JsonDocument.Parse(json.StdOut);
        Assert.Equal([wanted.LicenseId], page.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("licenseId").GetString()));
    }

    [Fact]
    public async Task Licenses_usage_shows_each_hour_with_its_peak_grants_and_denials()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 1);
        await ClientAsync("request", "--user-key", license.UserKey, "--machine-id", "usage-pc", "--json");
        var hour = server.Clock.GetUtcNow();
        hour = new DateTimeOffset(hour.UtcTicks - (hour.UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero);

        var table = await AdminAsync("licenses", "usage", license.LicenseId, "--from", hour.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
        var json = await AdminAsync("licenses", "usage", license.LicenseId, "--json");

        var lines = table.StdOut.TrimEnd('\n').Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.Equal(["HOUR", "PEAK", "SEATS", "GRANTS", "DENIALS", "METERED"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal([hour.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture), "1", "1", "0", "-"], lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        using var usage = JsonDocument.Parse(json.StdOut);
        var last = usage.RootElement.GetProperty("items")[usage.RootElement.GetProperty("items").GetArrayLength() - 1];
        Assert.Equal((hour.ToUnixTimeSeconds(), 1, 1), (last.GetProperty("hour").GetProperty("seconds").GetInt64(), last.GetProperty("peakSeats").GetInt32(), last.GetProperty("grants").GetInt32()));
    }

    [Fact]
    public async Task Json_prints_the_servers_answer_as_it_sent_it_with_its_timestamps_and_durations()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 2, heartbeatSeconds: 45, extra: new { expireAt = "2030-01-01T00:00:00Z" });
        await ClientAsync("request", "--user-key", license.UserKey, "--machine-id", "json-machine");
        using var direct = await server.SendForJsonAsync(HttpMethod.Get, $"v1/admin/licenses/{license.LicenseId}", null, ServerFixture.AdminKey);

        var shown = await AdminAsync("licenses", "show", license.LicenseId, "--json");

        using var printed = JsonDocument.Parse(shown.StdOut);
        Assert.Equal("""{"seconds":1893456000,"nanos":0}""", JsonSerializer.Serialize(printed.RootElement.GetProperty("expireAt")));
        Assert.Equal("""{"seconds":45,"nanos":0}""", JsonSerializer.Serialize(printed.RootElement.GetProperty("heartbeatInterval")));
        Assert.Equal(
            System.Text.Json.Nodes.JsonNode.Parse(direct.RootElement.GetRawText())!.ToJsonString(),
            System.Text.Json.Nodes.JsonNode.Parse(shown.StdOut)!.ToJsonString());
    }

    [Fact]
    public async Task Json_of_a_list_read_with_all_is_one_page_of_every_item_as_the_server_sent_them()
    {
        var first = await server.CreateLicenseAsync(Activation, seats: 1);
        var second = await server.CreateLicenseAsync(Activation, seats: 1);

        var all = await AdminAsync("licenses", "list", "--page-size", "1", "--all", "--json");

        using var page = JsonDocument.Parse(all.StdOut);
        Assert.Equal(["items", "continuationToken"], page.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Null, page.RootElement.GetProperty("continuationToken").ValueKind);
        var items = page.RootElement.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(items.Count, items.Select(i => i.GetProperty("licenseId").GetString()).Distinct().Count());
        var item = Assert.Single(items, i => i.GetProperty("licenseId").GetString() == first.LicenseId);
        Assert.Equal(JsonValueKind.Object, item.GetProperty("issuedAt").ValueKind);
        Assert.Contains(items, i => i.GetProperty("licenseId").GetString() == second.LicenseId);
    }

    [Fact]
    public async Task Licenses_delete_removes_the_license_so_show_then_fails_with_exit_code_3()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 1);

        var deleted = await AdminAsync("licenses", "delete", license.LicenseId);
        var shown = await RunAsync(ServerFixture.AdminKey, "licenses", "show", license.LicenseId);

        Assert.Contains(license.LicenseId, deleted.StdOut);
        Assert.Equal(3, shown.ExitCode);
        Assert.Contains("404", OneErrorLine(shown));
    }

    // ---- policies ----

    [Fact]
    public async Task A_policy_defined_once_issues_licenses_with_its_terms_and_entitlements()
    {
        var product = "cli-" + Guid.NewGuid().ToString("N")[..8];
        var policy = await AdminAsync("policies", "create", "--name", "Pro", "--product", product, "--mode", "floating", "--seats", "5",
            "--duration", "365d", "--entitlement", "pro", "--entitlement", "max-projects=20");
        var policyId = FieldOf(policy, "policyId");

        var license = await AdminAsync("licenses", "create", "--policy", policyId, "--customer", "Contoso");
        var shown = await AdminAsync("licenses", "show", FieldOf(license, "licenseId"));
        var listed = await AdminAsync("policies", "list", "--product", product);

        Assert.Equal("Pro", FieldOf(policy, "name"));
        Assert.Equal("pro, max-projects=20", FieldOf(policy, "entitlements"));
        Assert.Equal("31536000s", FieldOf(policy, "duration"));
        Assert.Equal("pro, max-projects=20", FieldOf(shown, "entitlements"));
        Assert.Equal("pro,max-projects", FieldOf(shown, "features"));
        Assert.Equal(policyId, FieldOf(shown, "policyId"));
        Assert.Equal("5", FieldOf(shown, "maxClientCount"));
        Assert.Equal("floating", FieldOf(shown, "licensingMode"));
        Assert.Equal(product, FieldOf(shown, "productId"));
        Assert.Equal((server.Clock.GetUtcNow() + TimeSpan.FromDays(365)).ToUnixTimeSeconds(), DateTimeOffset.Parse(FieldOf(shown, "expireAt"), System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeSeconds());
        Assert.Equal(2, listed.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains(policyId, listed.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Grace_and_max_borrow_are_set_by_flags_copied_from_a_policy_and_turned_off_with_zero()
    {
        var policy = await AdminAsync("policies", "create", "--name", "Roaming", "--product", "cli-" + Guid.NewGuid().ToString("N")[..8], "--mode", "floating",
            "--seats", "5", "--grace", "7d", "--max-borrow", "12h");
        var license = await AdminAsync("licenses", "create", "--policy", FieldOf(policy, "policyId"));
        var updated = await AdminAsync("licenses", "update", FieldOf(license, "licenseId"), "--grace", "0", "--max-borrow", "30m");

        Assert.Equal("604800s", FieldOf(policy, "gracePeriod"));
        Assert.Equal("43200s", FieldOf(policy, "maxBorrowDuration"));
        Assert.Equal("604800s", FieldOf(license, "gracePeriod"));
        Assert.Equal("43200s", FieldOf(license, "maxBorrowDuration"));
        Assert.Equal("0s", FieldOf(updated, "gracePeriod"));
        Assert.Equal("1800s", FieldOf(updated, "maxBorrowDuration"));
    }

    [Fact]
    public async Task Policies_update_changes_a_policy_and_delete_removes_it()
    {
        var policyId = FieldOf(await AdminAsync("policies", "create", "--name", "Trial", "--product", "cli-" + Guid.NewGuid().ToString("N")[..8],
            "--mode", "activation", "--seats", "1", "--duration", "14d", "--trial"), "policyId");

        var updated = await AdminAsync("policies", "update", policyId, "--name", "Long trial", "--duration", "30d");
        var deleted = await AdminAsync("policies", "delete", policyId);
        var missing = await RunAsync(ServerFixture.AdminKey, "policies", "show", policyId);

        Assert.Equal("Long trial", FieldOf(updated, "name"));
        Assert.Equal("2592000s", FieldOf(updated, "duration"));
        Assert.Equal("yes", FieldOf(updated, "trial"));
        Assert.Equal($"Deleted policy {policyId}.", deleted.StdOut.Trim());
        Assert.Equal(3, missing.ExitCode);
    }

    [Fact]
    public async Task Overage_seats_and_max_transfers_are_set_by_create_and_update_and_show_marks_the_overage_seat()
    {
        var created = await AdminAsync("licenses", "create", "--mode", "floating", "--seats", "1", "--overage-seats", "1", "--max-transfers", "3");
        var licenseId = FieldOf(created, "licenseId");
        await ClientAsync("request", "--user-key", FieldOf(created, "userKey"), "--machine-id", "plain-pc", "--client-id", "app");
        await ClientAsync("request", "--user-key", FieldOf(created, "userKey"), "--machine-id", "extra-pc", "--client-id", "app");
        var updated = await AdminAsync("licenses", "update", licenseId, "--max-transfers", "0");
        var policy = await AdminAsync("policies", "create", "--name", "Team", "--product", "cli-" + Guid.NewGuid().ToString("N")[..8],
            "--mode", "activation", "--seats", "4", "--overage-seats", "2", "--max-transfers", "5");
        var policyUpdated = await AdminAsync("policies", "update", FieldOf(policy, "policyId"), "--overage-seats", "1");

        Assert.Equal(("1", "3"), (FieldOf(created, "overageSeats"), FieldOf(created, "maxTransfers")));
        Assert.Equal(("1", "unlimited", "2"), (FieldOf(updated, "overageSeats"), FieldOf(updated, "maxTransfers"), FieldOf(updated, "activeClientCount")));
        var seats = updated.StdOut.Split('\n').Where(line => line.StartsWith("fltk_", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, seats.Count);
        Assert.Contains(seats, line => line.Contains("extra-pc", StringComparison.Ordinal) && line.Contains("live (overage)", StringComparison.Ordinal));
        Assert.Contains(seats, line => line.Contains("plain-pc", StringComparison.Ordinal) && !line.Contains("overage", StringComparison.Ordinal));
        Assert.Equal(("2", "5"), (FieldOf(policy, "overageSeats"), FieldOf(policy, "maxTransfers")));
        Assert.Equal(("1", "5"), (FieldOf(policyUpdated, "overageSeats"), FieldOf(policyUpdated, "maxTransfers")));
    }

    [Fact]
    public async Task Meters_are_set_by_create_and_update_copied_from_a_policy_shown_with_their_counts_and_reset_by_reset_meter()
    {
        var policy = await AdminAsync("policies", "create", "--name", "Metered", "--product", "cli-" + Guid.NewGuid().ToString("N")[..8],
            "--mode", "activation", "--seats", "1", "--meter", "exports=10/month+2", "--meter", "api-calls");
        var fromPolicy = await AdminAsync("licenses", "create", "--policy", FieldOf(policy, "policyId"));
        var created = await AdminAsync("licenses", "create", "--mode", "activation", "--seats", "1", "--meter", "renders=5/day");
        var licenseId = FieldOf(created, "licenseId");
        var updated = await AdminAsync("licenses", "update", licenseId, "--meter", "renders=8/day+1", "--meter", "exports");
        using (await server.CallAsync("v1/license/usage", new { userKey = FieldOf(created, "userKey"), machineId = "pc-1", meter = "renders", amount = 6, eventId = "cli-use-1" }))
        {
        }

        var shown = await AdminAsync("licenses", "show", licenseId);
        var hour = server.Clock.GetUtcNow();
        hour = new DateTimeOffset(hour.UtcTicks - (hour.UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero);
        var usage = await AdminAsync("licenses", "usage", licenseId, "--from", hour.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
        var reset = await AdminAsync("licenses", "reset-meter", licenseId, "renders");
        var cleared = await AdminAsync("policies", "update", FieldOf(policy, "policyId"), "--no-meters");

        var now = server.Clock.GetUtcNow();
        var tomorrow = now.UtcDateTime.Date.AddDays(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var nextMonth = new DateTime(now.Year, now.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal("exports=10/month+2, api-calls", FieldOf(policy, "meters"));
        Assert.Equal(["exports 0 10 10 2 month " + nextMonth, "api-calls 0 unlimited - 0 never -"], MeterRows(fromPolicy));
        Assert.Equal(["renders 0 5 5 0 day " + tomorrow], MeterRows(created));
        Assert.Equal(["renders 0 8 8 1 day " + tomorrow, "exports 0 unlimited - 0 never -"], MeterRows(updated));
        Assert.Equal(["renders 6 8 2 1 day " + tomorrow, "exports 0 unlimited - 0 never -"], MeterRows(shown));
        Assert.Equal(["renders 0 8 8 1 day " + tomorrow, "exports 0 unlimited - 0 never -"], MeterRows(reset));
        Assert.Equal("-", FieldOf(cleared, "meters"));
        var usageLines = usage.StdOut.TrimEnd('\n').Split('\n');
        Assert.Equal(2, usageLines.Length);
        Assert.Equal("renders=6", usageLines[1].Split("  ", StringSplitOptions.RemoveEmptyEntries)[^1].Trim());
    }

    [Fact]
    public async Task The_customer_portal_is_turned_off_and_on_with_portal_on_licenses_and_policies_and_show_says_which()
    {
        var created = await AdminAsync("licenses", "create", "--mode", "activation", "--seats", "1", "--portal", "off");
        var reopened = await AdminAsync("licenses", "update", FieldOf(created, "licenseId"), "--portal", "on");
        var policy = await AdminAsync("policies", "create", "--name", "Closed", "--product", "cli-" + Guid.NewGuid().ToString("N")[..8],
            "--mode", "activation", "--seats", "2", "--portal", "off");
        var fromPolicy = await AdminAsync("licenses", "create", "--policy", FieldOf(policy, "policyId"));

        Assert.Equal(("off", "on"), (FieldOf(created, "portal"), FieldOf(reopened, "portal")));
        Assert.Equal(("off", "off"), (FieldOf(policy, "portal"), FieldOf(fromPolicy, "portal")));
    }

    // ---- API keys ----

    [Fact]
    public async Task Keys_create_list_and_delete_work_as_tables_and_as_json()
    {
        var name = "cli-" + Guid.NewGuid().ToString("N")[..8];
        var created = await AdminAsync("keys", "create", "--name", name, "--scope", "client", "--json");
        using var key = JsonDocument.Parse(created.StdOut);
        var id = key.RootElement.GetProperty("id").GetString()!;
        var secret = key.RootElement.GetProperty("key").GetString()!;
        var shownOnce = await AdminAsync("keys", "create", "--name", name + "-table", "--scope", "admin");

        var table = await AdminAsync("keys", "list");
        var json = await AdminAsync("keys", "list", "--json");
        var deleted = await AdminAsync("keys", "delete", id);
        var after = await AdminAsync("keys", "list", "--json");

        Assert.Equal("client", key.RootElement.GetProperty("scope").GetString());
        Assert.StartsWith("lk_", secret);
        Assert.StartsWith("lk_", FieldOf(shownOnce, "key"));
        Assert.Equal("admin", FieldOf(shownOnce, "scope"));
        Assert.StartsWith("ID", table.StdOut);
        Assert.Contains(table.StdOut.Split('\n'), line => line.StartsWith(id, StringComparison.Ordinal) && line.Contains(name) && line.Contains("client"));
        Assert.DoesNotContain(secret, table.StdOut);
        using (var list = JsonDocument.Parse(json.StdOut))
        {
            Assert.Contains(list.RootElement.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetString() == id);
        }

        Assert.Contains(id, deleted.StdOut);
        using var remaining = JsonDocument.Parse(after.StdOut);
        Assert.DoesNotContain(remaining.RootElement.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetString() == id);
    }

    // ---- client calls ----

    [Fact]
    public async Task Request_with_a_client_key_prints_a_granted_answer_and_its_json_parses()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 1, heartbeatSeconds: 30);

        var table = await ClientAsync("request", "--user-key", license.UserKey, "--machine-id", "m1", "--client-id", "app");
        var json = await ClientAsync("request", "--user-key", license.UserKey, "--machine-id", "m1", "--client-id", "app", "--json");

        Assert.Equal("true", FieldOf(table, "granted"));
        Assert.Contains(".", FieldOf(table, "licenseToken"), StringComparison.Ordinal);
        Assert.Equal("30s", FieldOf(table, "heartbeatInterval"));
        Assert.Equal(license.LicenseId, FieldOf(table, "licenseId"));
        Assert.Equal("1", FieldOf(table, "activeClientCount"));
        using var answer = JsonDocument.Parse(json.StdOut);
        Assert.True(answer.RootElement.GetProperty("granted").GetBoolean());
        Assert.False(string.IsNullOrEmpty(answer.RootElement.GetProperty("licenseToken").GetString()));
        Assert.Equal(license.LicenseId, answer.RootElement.GetProperty("license").GetProperty("licenseId").GetString());
        Assert.True(answer.RootElement.GetProperty("license").GetProperty("licenseKey").GetArrayLength() > 0);
        Assert.Equal(1, answer.RootElement.GetProperty("maxClientCount").GetInt32());
    }

    [Fact]
    public async Task Heartbeat_info_and_release_work_with_the_token_a_request_printed()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 2);
        using var grant = JsonDocument.Parse((await ClientAsync("request", "--user-key", license.UserKey, "--machine-id", "m1", "--json")).StdOut);
        var token = grant.RootElement.GetProperty("licenseToken").GetString()!;

        var heartbeat = await ClientAsync("heartbeat", "--token", token, "--machine-id", "m1");
        var info = await ClientAsync("info", "--user-key", license.UserKey, "--machine-id", "m1");
        var released = await ClientAsync("release", "--token", token, "--machine-id", "m1", "--json");

        Assert.Equal("true", FieldOf(heartbeat, "active"));
        Assert.Equal("1", FieldOf(info, "activeClientCount"));
        Assert.Contains(info.StdOut.Split('\n'), line => line.StartsWith("fltk_", StringComparison.Ordinal) && line.Contains("m1"));
        Assert.DoesNotContain(token, info.StdOut);
        using var seats = JsonDocument.Parse(released.StdOut);
        Assert.Equal(0, seats.RootElement.GetProperty("activeClientCount").GetInt32());
    }

    [Fact]
    public async Task Activate_validate_and_deactivate_work_on_an_activation_license()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 1);

        var activated = await ClientAsync("activate", "--user-key", license.UserKey, "--machine-id", "pc-1", "--client-name", "Front desk");
        var validated = await ClientAsync("validate", "--user-key", license.UserKey, "--machine-id", "pc-1");
        var deactivated = await ClientAsync("deactivate", "--user-key", license.UserKey, "--machine-id", "pc-1");
        var notActivated = await RunAsync(server.ClientKey, "validate", "--user-key", license.UserKey, "--machine-id", "pc-1");

        Assert.Equal("true", FieldOf(activated, "success"));
        Assert.Equal("activation", FieldOf(activated, "licensingMode"));
        Assert.Equal("true", FieldOf(validated, "success"));
        Assert.Equal("0", FieldOf(deactivated, "activeClientCount"));
        Assert.Equal(1, notActivated.ExitCode);
        Assert.Equal("not_activated", FieldOf(notActivated, "reason"));
    }

    [Fact]
    public async Task Jwks_lists_the_servers_signing_keys_without_an_api_key()
    {
        var result = await ProcessRun.RunAsync("dotnet", [CliDll, "jwks", "--url", Url, "--json"], environment: CleanEnvironment());

        Assert.True(result.ExitCode == 0, result.ToString());
        using var keys = JsonDocument.Parse(result.StdOut);
        var key = Assert.Single(keys.RootElement.GetProperty("keys").EnumerateArray());
        Assert.Equal("EC", key.GetProperty("kty").GetString());
        Assert.False(string.IsNullOrEmpty(key.GetProperty("kid").GetString()));
    }

    // ---- offline activation ----

    [Fact]
    public async Task Offline_activate_answers_a_request_file_into_a_response_file_and_offline_deactivate_frees_the_seat_on_its_proof()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 1);
        var folder = Directory.CreateTempSubdirectory("offline-cli-").FullName;
        var requestFile = Path.Combine(folder, "lab-pc.lsreq");
        var responseFile = Path.Combine(folder, "lab-pc.lsres");
        var proofFile = Path.Combine(folder, "lab-pc.lsdea");
        await File.WriteAllTextAsync(requestFile, OfflineWire.Request(license.UserKey, "lab-pc", OfflineWire.NewRequestId(), server.Clock.GetUtcNow()) + "\n");

        var activated = await AdminAsync("offline", "activate", "--request", requestFile, "--out", responseFile);
        var response = (await File.ReadAllTextAsync(responseFile)).Trim();
        var jwks = (await server.SendForJsonAsync(HttpMethod.Get, "v1/license/keys", null, null)).RootElement;
        await File.WriteAllTextAsync(proofFile, OfflineWire.Proof(response, server.Clock.GetUtcNow()));
        var deactivated = await AdminAsync("offline", "deactivate", "--proof", proofFile);
        await File.WriteAllTextAsync(requestFile, OfflineWire.Request(license.UserKey, "lab-pc", OfflineWire.NewRequestId(), server.Clock.GetUtcNow() - TimeSpan.FromDays(8)));
        var old = await RunAsync(ServerFixture.AdminKey, "offline", "activate", "--request", requestFile);
        Directory.Delete(folder, recursive: true);

        Assert.Equal("", activated.StdOut);
        Assert.True(OfflineWire.Verifies(response, jwks));
        Assert.Equal("lab-pc", OfflineWire.Read(response).Payload.GetProperty("machineId").GetString());
        Assert.Equal("0", FieldOf(deactivated, "activeClientCount"));
        Assert.Equal(license.LicenseId, FieldOf(deactivated, "licenseId"));
        Assert.Equal(1, old.ExitCode);
        Assert.Equal("", old.StdOut);
        Assert.Equal(
            "licensing: denied (offline_request_invalid): The offline request is older than 7 days or was answered for another machine, or the deactivation proof does not verify.",
            OneErrorLine(old));
    }

    // ---- exit codes ----

    [Fact]
    public async Task A_denial_exits_1_with_the_reason_and_message_and_one_line_on_stderr()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 1);
        await ClientAsync("request", "--user-key", license.UserKey, "--machine-id", "holder");

        var denied = await RunAsync(server.ClientKey, "request", "--user-key", license.UserKey, "--machine-id", "latecomer");
        var deniedJson = await RunAsync(server.ClientKey, "request", "--user-key", license.UserKey, "--machine-id", "latecomer", "--json");

        Assert.Equal(1, denied.ExitCode);
        Assert.Equal("false", FieldOf(denied, "granted"));
        Assert.Equal("seats_exhausted", FieldOf(denied, "reason"));
        Assert.False(string.IsNullOrEmpty(FieldOf(denied, "message")));
        Assert.Contains("seats_exhausted", OneErrorLine(denied));
        Assert.Equal(1, deniedJson.ExitCode);
        using var answer = JsonDocument.Parse(deniedJson.StdOut);
        Assert.False(answer.RootElement.GetProperty("granted").GetBoolean());
        Assert.Equal("seats_exhausted", answer.RootElement.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_wrong_api_key_exits_3_with_one_line_on_stderr_that_does_not_show_the_key()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 1);
        const string wrongKey = "lk_wrong_key_that_must_never_be_printed_42";

        var result = await RunAsync(wrongKey, "licenses", "show", license.LicenseId);

        Assert.Equal(3, result.ExitCode);
        var line = OneErrorLine(result);
        Assert.Contains("401", line);
        Assert.DoesNotContain(wrongKey, result.StdErr + result.StdOut);
        Assert.Equal("", result.StdOut);
    }

    [Fact]
    public async Task A_client_key_on_an_admin_command_exits_3_with_one_line()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 1);

        var result = await RunAsync(server.ClientKey, "licenses", "show", license.LicenseId);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("403", OneErrorLine(result));
        Assert.DoesNotContain(server.ClientKey, result.StdErr);
    }

    [Fact]
    public async Task An_unknown_command_exits_2_and_points_to_the_help()
    {
        var unknown = await RunAsync(ServerFixture.AdminKey, "frobnicate");
        var unknownOption = await RunAsync(ServerFixture.AdminKey, "licenses", "list", "--colour", "red");
        var missingValue = await RunAsync(ServerFixture.AdminKey, "licenses", "create", "--mode", "floating");
        var badValue = await RunAsync(ServerFixture.AdminKey, "licenses", "create", "--mode", "floating", "--seats", "many");

        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("frobnicate", OneErrorLine(unknown));
        Assert.Contains("licensing --help", OneErrorLine(unknown));
        Assert.Equal(2, unknownOption.ExitCode);
        Assert.Contains("--colour", OneErrorLine(unknownOption));
        Assert.Equal(2, missingValue.ExitCode);
        Assert.Contains("--seats", OneErrorLine(missingValue));
        Assert.Equal(2, badValue.ExitCode);
        Assert.Contains("--seats", OneErrorLine(badValue));
        Assert.All(new[] { unknown, unknownOption, missingValue, badValue }, r => Assert.DoesNotContain(ServerFixture.AdminKey, r.StdErr));
    }

    [Fact]
    public async Task A_wrong_url_a_closed_loopback_port_exits_3_with_one_line()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 1);
        var closed = ClosedLoopbackUrl();

        var result = await ProcessRun.RunAsync("dotnet",
            [CliDll, "licenses", "show", license.LicenseId, "--url", closed, "--api-key", ServerFixture.AdminKey], environment: CleanEnvironment());

        Assert.Equal(3, result.ExitCode);
        Assert.Contains(closed.TrimEnd('/'), OneErrorLine(result));
        Assert.DoesNotContain(ServerFixture.AdminKey, result.StdErr);
        Assert.Equal("", result.StdOut);
    }

    [Fact]
    public async Task A_transport_failure_shows_the_innermost_exceptions_message_not_only_see_inner_exception()
    {
        // https to the test server, which speaks plain http: the TLS handshake fails, and only the innermost exception says why.
        var https = new UriBuilder(server.Http.BaseAddress!) { Scheme = Uri.UriSchemeHttps }.Uri;
        var innermost = await InnermostFailureAsync(https);

        var result = await ProcessRun.RunAsync("dotnet",
            [CliDll, "keys", "list", "--url", https.ToString(), "--api-key", ServerFixture.AdminKey], environment: CleanEnvironment());

        Assert.Equal(3, result.ExitCode);
        Assert.Equal(
            $"licensing: Could not reach the licensing server at {https}: The SSL connection could not be established, see inner exception. ({innermost})",
            OneErrorLine(result));
    }

    [Fact]
    public async Task Help_lists_every_command_exits_0_and_never_shows_the_api_key_from_the_environment()
    {
        var environment = CleanEnvironment();
        environment["LICENSING_API_KEY"] = ServerFixture.AdminKey;

        var help = await ProcessRun.RunAsync("dotnet", [CliDll, "--help"], environment: environment);
        var helpWord = await ProcessRun.RunAsync("dotnet", [CliDll, "help", "licenses"], environment: environment);

        Assert.Equal(0, help.ExitCode);
        foreach (var command in new[] { "licenses create", "licenses list", "licenses show", "licenses update", "licenses delete",
            "licenses revoke-token", "licenses events", "keys create", "keys list", "keys delete", "webhooks create", "webhooks deliveries", "webhooks redeliver", "webhooks ping", "activate", "deactivate", "request", "heartbeat",
            "release", "validate", "info", "jwks", "--url", "--api-key", "--json", "LICENSING_URL", "LICENSING_API_KEY" })
        {
            Assert.Contains(command, help.StdOut);
        }

        Assert.DoesNotContain(ServerFixture.AdminKey, help.StdOut + help.StdErr);
        Assert.Equal(0, helpWord.ExitCode);
        Assert.Contains("licenses create", helpWord.StdOut);
        Assert.DoesNotContain("keys create", helpWord.StdOut);
    }

    // ---- helpers ----

    /// <summary>Runs the CLI with the admin key and asserts exit code 0.</summary>
    private Task<ProcessResult> AdminAsync(params string[] args) => SucceedAsync(ServerFixture.AdminKey, args);

    /// <summary>Runs the CLI with the fixture's client key and asserts exit code 0.</summary>
    private Task<ProcessResult> ClientAsync(params string[] args) => SucceedAsync(server.ClientKey, args);

    private async Task<ProcessResult> SucceedAsync(string apiKey, string[] args)
    {
        var result = await RunAsync(apiKey, args);
        Assert.True(result.ExitCode == 0, $"licensing {string.Join(' ', args)}: {result}");
        Assert.Equal("", result.StdErr);
        return result;
    }

    /// <summary>Runs <c>dotnet Licensing.Cli.dll ARGS --url SERVER --api-key KEY</c>.</summary>
    private Task<ProcessResult> RunAsync(string apiKey, params string[] args)
    {
        Assert.True(File.Exists(CliDll), $"The CLI is not built at {CliDll}");
        return ProcessRun.RunAsync("dotnet", [CliDll, .. args, "--url", Url, "--api-key", apiKey], environment: CleanEnvironment());
    }

    /// <summary>The environment of the CLI: none of the caller's LICENSING_* settings.</summary>
    private static Dictionary<string, string> CleanEnvironment() => new()
    {
        ["LICENSING_URL"] = "",
        ["LICENSING_API_KEY"] = "",
        ["DOTNET_NOLOGO"] = "1",
    };

    /// <summary>The value of a "key: value" line of the CLI's output.</summary>
    private static string FieldOf(ProcessResult result, string key)
    {
        var line = result.StdOut.Split('\n').FirstOrDefault(l => l.StartsWith(key + ":", StringComparison.Ordinal));
        Assert.True(line is not null, $"no '{key}:' line in:\n{result}");
        return line[(key.Length + 1)..].Trim();
    }

    /// <summary>The rows of the meters table under a license's fields, their cells joined by one space.</summary>
    private static List<string> MeterRows(ProcessResult result)
    {
        var lines = result.StdOut.Split('\n').ToList();
        var header = lines.FindIndex(l => l.StartsWith("METER ", StringComparison.Ordinal));
        Assert.True(header >= 0, $"no meters table in:\n{result}");
        Assert.Equal("METER USED LIMIT REMAINING OVERAGE PERIOD PERIOD ENDS", string.Join(' ', lines[header].Split(' ', StringSplitOptions.RemoveEmptyEntries)));
        return lines.Skip(header + 1).TakeWhile(l => l.Length > 0).Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))).ToList();
    }

    /// <summary>Stderr, asserted to be exactly one line, without a stack trace.</summary>
    private static string OneErrorLine(ProcessResult result)
    {
        var lines = result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one line on stderr:\n{result}");
        Assert.StartsWith("licensing: ", lines[0]);
        Assert.DoesNotContain("   at ", lines[0]);
        return lines[0];
    }

    /// <summary>The message of the innermost exception a plain GET of <paramref name="url"/> fails with.</summary>
    private static async Task<string> InnermostFailureAsync(Uri url)
    {
        using var http = new HttpClient();
        var failure = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(url));
        return failure.GetBaseException().Message;
    }

    /// <summary>A loopback URL nothing listens on: a port the system just handed out and took back.</summary>
    private static string ClosedLoopbackUrl()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}/";
    }
}
