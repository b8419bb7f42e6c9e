using System.Net;
using System.Text.Json;
using Licensing.Tests.Support;
using Microsoft.Playwright;
using static Licensing.Tests.Console.ConsoleBrowser;
using static Microsoft.Playwright.Assertions;

namespace Licensing.Tests.Console;

/// <summary>
/// The admin console in a real browser, operated by the accessible names the contract gives it: a vendor signs in,
/// creates a license, finds and opens it, watches a seat taken through the API appear and revokes it, suspends and
/// resumes the license, and creates and deletes an API key; axe-core finds no serious or critical violation on any page.
/// </summary>
public sealed class ConsoleBrowserTests(ServerFixture server, ConsoleBrowser browser)
    : IClassFixture<ServerFixture>, IClassFixture<ConsoleBrowser>
{
    [Fact]
    public async Task A_vendor_runs_a_license_from_creation_to_suspension_and_an_api_key_from_creation_to_deletion_in_the_console()
    {
        var page = await browser.NewPageAsync(server.Http.BaseAddress!.ToString());
        var customer = "Console Customer " + Guid.NewGuid().ToString("N")[..8];

        await SignInAsync(page);
        Assert.Equal(ServerFixture.AdminKey, await page.EvaluateAsync<string>("() => sessionStorage.getItem('licensing.adminKey')"));
        await CheckPageAsync(page, "02-licenses");

        // Create a license by hand: the user key is shown once it exists.
        await page.GetByRole(AriaRole.Button, new() { Name = "New license", Exact = true }).ClickAsync();
        await page.GetByLabel("Licensing mode", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Floating" });
        await page.GetByLabel("Seats", new() { Exact = true }).FillAsync("3");
        await page.GetByLabel("Customer", new() { Exact = true }).FillAsync(customer);
        await page.GetByLabel("Product", new() { Exact = true }).FillAsync("console-test");
        await Expect(page.GetByLabel("Expires", new() { Exact = true })).ToBeEmptyAsync();
        await Expect(page.GetByLabel("Policy", new() { Exact = true })).ToHaveValueAsync("");
        await CheckPageAsync(page, "03-new-license-form");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "License created" })).ToBeVisibleAsync();
        var userKey = await page.Locator("#new-user-key").TextContentAsync();
        var licenseId = await LicenseIdOfUserKeyAsync(userKey!);
        await CheckPageAsync(page, "04-license-created");

        // Find it by search and open it.
        await page.GetByRole(AriaRole.Searchbox, new() { Name = "Search", Exact = true }).FillAsync(customer[..22]);
        var rows = page.GetByRole(AriaRole.Table, new() { Name = "Licenses" }).Locator("tbody tr");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows).ToContainTextAsync(["0 / 3"]);
        await page.GetByRole(AriaRole.Link, new() { Name = customer, Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = customer, Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Seats in use", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Activity", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Img, new() { Name = "No seats were taken in the last 30 days. The limit is 3." })).ToBeVisibleAsync();
        await Expect(page.Locator("svg.chart .limit-label")).ToHaveTextAsync("limit 3");
        await CheckPageAsync(page, "05-license");

        // A seat taken through the API shows, with its heartbeat, and is revoked from here.
        using var grant = await server.CallAsync("v1/license/request",
            new { userKey, machineId = "console-machine-1", clientId = "app-1", clientName = "Build agent" });
        await page.ReloadAsync();
        var seats = page.GetByRole(AriaRole.Table, new() { Name = "Seats", Exact = true });
        await Expect(seats.Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(seats.Locator("tbody tr")).ToContainTextAsync(["console-machine-1"]);
        await Expect(page.GetByRole(AriaRole.Img, new() { Name = "Peak of 1 seat in use in the last 30 days; the limit is 3." })).ToBeVisibleAsync();
        await CheckPageAsync(page, "06-license-with-seat");
        await seats.GetByRole(AriaRole.Button, new() { Name = "Revoke", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "The seat of console-machine-1 was revoked." })).ToBeVisibleAsync();
        await Expect(seats.Locator("tbody tr")).ToHaveTextAsync(["No seat is taken."]);
        Assert.Equal("revoked", (await AdminLicenseAsync(licenseId)).GetProperty("licenseTokens")[0].GetProperty("state").GetString());

        // Suspend and resume.
        await page.GetByRole(AriaRole.Button, new() { Name = "Suspend", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Resume", Exact = true })).ToBeFocusedAsync();
        Assert.True((await AdminLicenseAsync(licenseId)).GetProperty("suspended").GetBoolean());
        await CheckPageAsync(page, "07-license-suspended");
        await page.GetByRole(AriaRole.Button, new() { Name = "Resume", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Suspend", Exact = true })).ToBeVisibleAsync();
        Assert.False((await AdminLicenseAsync(licenseId)).GetProperty("suspended").GetBoolean());
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Audit trail, newest first" }).Locator("tbody tr code"))
            .ToHaveTextAsync(["license.updated", "license.updated", "seat.revoked", "seat.granted", "license.created"]);

        // An API key: shown once, works, then deleted and refused.
        await page.GetByRole(AriaRole.Link, new() { Name = "API keys", Exact = true }).ClickAsync();
        var keyName = "console-key-" + Guid.NewGuid().ToString("N")[..8];
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync(keyName);
        await page.GetByLabel("Scope", new() { Exact = true }).SelectOptionAsync("admin");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Copy key", Exact = true })).ToBeFocusedAsync();
        var key = (await page.Locator("#new-api-key").TextContentAsync())!;
        Assert.Equal(HttpStatusCode.OK, await WhoAmIStatusAsync(key));
        await CheckPageAsync(page, "08-api-key-created");
        await page.GetByRole(AriaRole.Link, new() { Name = "Policies", Exact = true }).ClickAsync();
        await CheckPageAsync(page, "09-policies");
        await page.GetByRole(AriaRole.Link, new() { Name = "Webhooks", Exact = true }).ClickAsync();
        await CheckPageAsync(page, "10-webhooks");
        await page.GetByRole(AriaRole.Link, new() { Name = "API keys", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "API keys" })).ToContainTextAsync(keyName);
        Assert.Equal(0, await page.Locator("#new-api-key").CountAsync());
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete " + keyName, Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = $"The key \"{keyName}\" was deleted." })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "API keys" })).Not.ToContainTextAsync(keyName);
        Assert.Equal(HttpStatusCode.Unauthorized, await WhoAmIStatusAsync(key));
        await CheckPageAsync(page, "11-api-keys");
    }

    [Fact]
    public async Task A_policy_gives_a_new_license_its_terms_and_policies_and_webhooks_are_created_and_deleted_in_the_console()
    {
        var page = await browser.NewPageAsync(server.Http.BaseAddress!.ToString());
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        var policyName = "Pro " + Guid.NewGuid().ToString("N")[..8];
        var customer = "Policy Customer " + Guid.NewGuid().ToString("N")[..8];
        await SignInAsync(page);

        await page.GetByRole(AriaRole.Link, new() { Name = "Policies", Exact = true }).ClickAsync();
        await page.GetByLabel("Policy name", new() { Exact = true }).FillAsync(policyName);
        await page.GetByLabel("Policy product", new() { Exact = true }).FillAsync("console-pro");
        await page.GetByLabel("Policy licensing mode", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Floating" });
        await page.GetByLabel("Policy seats", new() { Exact = true }).FillAsync("4");
        await page.GetByLabel("Lasts (days)", new() { Exact = true }).FillAsync("365");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create policy", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Policies" }).Locator("tbody tr").Filter(new() { HasText = policyName }))
            .ToContainTextAsync(["console-pro" + "Floating" + "4" + "365 d" + "No"]);
        await Expect(page.GetByLabel("Policy licensing mode", new() { Exact = true })).ToHaveValueAsync("1");
        await Expect(page.GetByLabel("Policy seats", new() { Exact = true })).ToHaveValueAsync("1");
        await CheckPageAsync(page, "13-policy-created");

        await page.GetByRole(AriaRole.Link, new() { Name = "Licenses", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "New license", Exact = true }).ClickAsync();
        await page.GetByLabel("Policy", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = $"{policyName} (console-pro)" });
        await Expect(page.GetByLabel("Seats", new() { Exact = true })).ToBeDisabledAsync();
        await page.GetByLabel("Customer", new() { Exact = true }).FillAsync(customer);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create", Exact = true }).ClickAsync();
        var userKey = await page.Locator("#new-user-key").TextContentAsync();
        var license = await AdminLicenseAsync(await LicenseIdOfUserKeyAsync(userKey!));
        Assert.Equal((customer, "console-pro", 2, 4), (license.GetProperty("customerName").GetString(), license.GetProperty("productId").GetString(),
            license.GetProperty("licensingMode").GetInt32(), license.GetProperty("maxClientCount").GetInt32()));

        await page.GetByRole(AriaRole.Link, new() { Name = "Policies", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete " + policyName, Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"The policy \"{policyName}\" was deleted.");
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Policies" })).Not.ToContainTextAsync(policyName);

        var url = $"https://hooks.example.com/{Guid.NewGuid():N}";
        await page.GetByRole(AriaRole.Link, new() { Name = "Webhooks", Exact = true }).ClickAsync();
        await page.GetByLabel("URL", new() { Exact = true }).FillAsync(url);
        await page.GetByLabel("Events", new() { Exact = true }).FillAsync("license.*, seat.revoked");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create webhook", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Webhooks" }).Locator("tbody tr").Filter(new() { HasText = url }))
            .ToContainTextAsync([url + "license.*, seat.revoked" + "every product" + "Yes"]);
        await CheckPageAsync(page, "14-webhook-created");
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete the webhook to " + url, Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("The webhook was deleted.");
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Webhooks" })).Not.ToContainTextAsync(url);
    }

    [Fact]
    public async Task A_wrong_key_is_refused_with_a_message_and_nothing_is_kept_in_session_storage()
    {
        var page = await browser.NewPageAsync(server.Http.BaseAddress!.ToString());
        await page.GotoAsync("console");

        await page.GetByRole(AriaRole.Textbox, new() { Name = "Admin API key", Exact = true }).FillAsync("not-the-admin-key-0123456789");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("That key was not accepted. Check it and try again.");
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('licensing.adminKey')"));
        await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Main" })).ToBeHiddenAsync();
        await CheckPageAsync(page, "01-sign-in-refused");
    }

    [Fact]
    public async Task On_a_phone_the_licenses_page_shows_each_license_as_a_labelled_card_without_sideways_scrolling()
    {
        var customer = "Phone Customer " + Guid.NewGuid().ToString("N")[..8];
        await server.CreateLicenseAsync(mode: 2, seats: 5, extra: new { customerName = customer, productId = "phone-test" });
        var page = await browser.NewPageAsync(server.Http.BaseAddress!.ToString(), width: 390, height: 844);

        await SignInAsync(page);
        await page.GetByRole(AriaRole.Searchbox, new() { Name = "Search", Exact = true }).FillAsync(customer);
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Licenses" }).Locator("tbody tr")).ToHaveCountAsync(1);

        Assert.Equal(390, await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth"));
        Assert.Equal("Seats used", await page.EvaluateAsync<string>(
            "() => getComputedStyle(document.querySelector('td[data-label=\"Seats used\"]'), '::before').content.replaceAll('\"', '')"));
        await CheckPageAsync(page, "12-licenses-phone");
    }

    [Fact]
    public async Task A_vendor_pastes_an_offline_request_on_the_license_page_and_gets_the_signed_response_to_download()
    {
        var customer = "Offline Customer " + Guid.NewGuid().ToString("N")[..8];
        var license = await server.CreateLicenseAsync(mode: 1, seats: 2, extra: new { customerName = customer });
        var requestId = OfflineWire.NewRequestId();
        var page = await browser.NewPageAsync(server.Http.BaseAddress!.ToString());
        await SignInAsync(page);
        await page.GotoAsync($"console#/licenses/{license.LicenseId}");

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Offline activation", Exact = true })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Activation request", Exact = true })
            .FillAsync(OfflineWire.Request(license.UserKey, "ship-pc", requestId, server.Clock.GetUtcNow()));
        await page.GetByRole(AriaRole.Button, new() { Name = "Activate", Exact = true }).ClickAsync();
        var responseBox = page.GetByRole(AriaRole.Textbox, new() { Name = "Activation response", Exact = true });
        await Expect(responseBox).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Seats", Exact = true }).Locator("tbody tr")).ToContainTextAsync(["ship-pc"]);
        await CheckPageAsync(page, "20-offline-activation");
        var response = await responseBox.InputValueAsync();
        var download = await page.GetByRole(AriaRole.Link, new() { Name = "Download response", Exact = true }).GetAttributeAsync("href");
        var jwks = (await server.SendForJsonAsync(HttpMethod.Get, "v1/license/keys", null, null)).RootElement;

        await Expect(responseBox).ToHaveAttributeAsync("readonly", "");
        Assert.True(OfflineWire.Verifies(response, jwks));
        Assert.Equal(requestId, OfflineWire.Read(response).Payload.GetProperty("requestId").GetString());
        Assert.Equal("data:text/plain;charset=utf-8," + Uri.EscapeDataString(response), download);
    }

    [Fact]
    public async Task A_license_page_shows_each_meter_with_its_count_and_period_end_and_its_reset_button_starts_the_count_again()
    {
        var license = await server.CreateLicenseAsync(mode: 1, seats: 1, extra: new
        {
            customerName = "Metered Customer " + Guid.NewGuid().ToString("N")[..8],
            meters = new object[] { new { code = "exports", limit = 10, resetPeriod = "month", overage = 2 }, new { code = "api-calls" } },
        });
        foreach (var (amount, eventId) in new[] { (9, "console-1"), (2, "console-2") })
        {
            using var answer = await server.CallAsync("v1/license/usage", new { userKey = license.UserKey, machineId = "pc-1", meter = "exports", amount, eventId });
            Assert.True(answer.RootElement.GetProperty("recorded").GetBoolean());
        }

        var now = server.Clock.GetUtcNow();
        var periodEnds = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1)
            .ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture);
        var page = await browser.NewPageAsync(server.Http.BaseAddress!.ToString());
        await SignInAsync(page);
        await page.GotoAsync($"console#/licenses/{license.LicenseId}");

        var rows = page.GetByRole(AriaRole.Table, new() { Name = "Meters", Exact = true }).Locator("tbody tr");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.Nth(0).Locator("td")).ToHaveTextAsync(["exports", "11 of 10 (overage)", "0", "2", "Monthly", periodEnds, "Reset"]);
        await Expect(rows.Nth(1).Locator("td")).ToHaveTextAsync(["api-calls", "0 (unlimited)", "—", "—", "Never", "—", "Reset"]);
        await CheckPageAsync(page, "21-license-meters");
        await page.GetByRole(AriaRole.Button, new() { Name = "Reset exports", Exact = true }).ClickAsync();

        await Expect(page.GetByText("The count of exports starts again from zero.", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(rows.Nth(0).Locator("td")).ToHaveTextAsync(["exports", "0 of 10", "10", "2", "Monthly", periodEnds, "Reset"]);
        await CheckPageAsync(page, "22-license-meter-reset");
        Assert.Equal(0L, (await server.StoredRowsAsync(license.LicenseId)).Single(r => r.RowKey == "meter|exports").GetInt64("Used"));
        Assert.Equal(1, (await server.StoredEventsAsync(license.LicenseId)).Count(e => e.GetString("Type") == "meter.reset"));
    }

    [Fact]
    public async Task A_console_whose_key_is_deleted_goes_back_to_sign_in_saying_so_and_a_page_that_cannot_load_says_why()
    {
        var page = await browser.NewPageAsync(server.Http.BaseAddress!.ToString());
        using var created = await server.AdminPostAsync("v1/admin/api-keys", new { name = "console-leaver", scope = "admin" });
        await page.GotoAsync("console");
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Admin API key", Exact = true }).FillAsync(created.RootElement.GetProperty("key").GetString()!);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Licenses", Level = 1 })).ToBeVisibleAsync();

        await page.GotoAsync("console#/licenses/lic_aaaaaaaaaaaaaaaaaaaaaaaaaa");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Something went wrong", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("No license 'lic_aaaaaaaaaaaaaaaaaaaaaaaaaa'.");
        await CheckPageAsync(page, "15-page-failed");

        using (await server.SendAsync(HttpMethod.Delete, $"v1/admin/api-keys/{created.RootElement.GetProperty("id").GetString()}", null, ServerFixture.AdminKey))
        {
        }

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Policies", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Your key is no longer accepted. Sign in again.");
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('licensing.adminKey')"));
        await CheckPageAsync(page, "16-key-no-longer-accepted");
    }

    private static async Task SignInAsync(IPage page)
    {
        await page.GotoAsync("console");
        await CheckPageAsync(page, "01-sign-in");
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Admin API key", Exact = true }).FillAsync(ServerFixture.AdminKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Licenses", Level = 1 })).ToBeVisibleAsync();
        foreach (var link in new[] { "Licenses", "Policies", "API keys", "Webhooks" })
        {
            await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = link, Exact = true })).ToBeVisibleAsync();
        }
    }

    private async Task<string> LicenseIdOfUserKeyAsync(string userKey)
    {
        using var page = await server.SendForJsonAsync(HttpMethod.Get, "v1/admin/licenses?search=" + Uri.EscapeDataString(userKey), null, ServerFixture.AdminKey);
        var items = page.RootElement.GetProperty("items");
        Assert.Equal(1, items.GetArrayLength());
        return items[0].GetProperty("licenseId").GetString()!;
    }

    private async Task<JsonElement> AdminLicenseAsync(string licenseId)
    {
        using var license = await server.SendForJsonAsync(HttpMethod.Get, "v1/admin/licenses/" + licenseId, null, ServerFixture.AdminKey);
        return license.RootElement.Clone();
    }

    private async Task<HttpStatusCode> WhoAmIStatusAsync(string key)
    {
        using var response = await server.SendAsync(HttpMethod.Get, "v1/admin/whoami", null, key);
        return response.StatusCode;
    }
}
