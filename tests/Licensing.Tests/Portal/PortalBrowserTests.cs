using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Licensing.Tests.Console;
using Licensing.Tests.Support;
using Microsoft.Playwright;
using static Licensing.Tests.Console.ConsoleBrowser;
using static Microsoft.Playwright.Assertions;

namespace Licensing.Tests.Portal;

/// <summary>
/// The customer portal in a real browser, operated by the accessible names the contract gives it: a license's owner
/// signs in with the license key, sees the machines using it, frees a seat (confirmed through the admin API), is refused
/// a move past the license's transfer limit with the server's sentence, activates a machine offline, and is sent back to
/// sign-in when the session's hour is over; axe-core finds no serious or critical violation on any screen.
/// </summary>
public sealed class PortalBrowserTests(ServerFixture server, ConsoleBrowser browser)
    : IClassFixture<ServerFixture>, IClassFixture<ConsoleBrowser>
{
    private const string SessionKey = "licensing.portalSession";

    [Fact]
    public async Task A_wrong_key_is_refused_with_a_message_and_the_right_one_shows_the_license_and_its_machines()
    {
        var (license, customer) = await LicenseWithMachinesAsync(maxTransfers: 3, "office-pc", "laptop");
        var page = await browser.NewPageAsync(server.Http.BaseAddress!.ToString());
        await page.GotoAsync("portal");
        await CheckPageAsync(page, "portal-01-sign-in");

        await page.GetByRole(AriaRole.Textbox, new() { Name = "License key", Exact = true }).FillAsync("not-a-license-key-0123456789");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("That license key was not accepted. Check it and try again.");
        Assert.Null(await page.EvaluateAsync<string?>($"() => sessionStorage.getItem('{SessionKey}')"));
        await CheckPageAsync(page, "portal-02-sign-in-refused");

        await SignInAsync(page, license.UserKey, customer);

        using var stored = JsonDocument.Parse(await page.EvaluateAsync<string>($"() => sessionStorage.getItem('{SessionKey}')"));
        Assert.Equal(license.LicenseId, stored.RootElement.GetProperty("licenseId").GetString());
        Assert.Equal(0, await page.EvaluateAsync<int>("() => localStorage.length"));
        Assert.Equal("", await page.EvaluateAsync<string>("() => document.cookie"));
        var machines = page.GetByRole(AriaRole.Table, new() { Name = "Machines", Exact = true });
        await Expect(machines.Locator("tbody tr")).ToHaveCountAsync(2);
        await Expect(machines.Locator("tbody tr")).ToContainTextAsync(["laptop" + "Client laptop", "office-pc" + "Client office-pc"]);
        await Expect(machines.GetByRole(AriaRole.Button, new() { Name = "Free this seat", Exact = true })).ToHaveCountAsync(2);
        await Expect(Term(page, "Seats")).ToHaveTextAsync("2 used of 3");
        await Expect(Term(page, "Machine moves left")).ToHaveTextAsync("3 of 3 in 30 days");
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Seat events and sign-ins, newest first", Exact = true }).Locator("td[data-label=Event]"))
            .ToHaveTextAsync(["Signed in to this portal", "Machine activated", "Machine activated"]);
        var link = page.GetByRole(AriaRole.Link, new() { Name = "Download license", Exact = true });
        Assert.Equal(license.LicenseId + ".lic", await link.GetAttributeAsync("download"));
        var href = (await link.GetAttributeAsync("href"))!;
        const string DataPrefix = "data:text/plain;charset=utf-8,";
        Assert.StartsWith(DataPrefix, href, StringComparison.Ordinal);
        var document = Uri.UnescapeDataString(href[DataPrefix.Length..]);
        // Signed anew on each download (ECDSA signatures differ): the same header and claims, a signature that verifies.
        Assert.Equal(SigningInput(await DocumentAsync(license.UserKey)), SigningInput(document));
        using var jwks = await server.SendForJsonAsync(HttpMethod.Get, "v1/license/keys", null, null);
        Assert.True(OfflineWire.Verifies("lsres1." + document, jwks.RootElement));
        await CheckPageAsync(page, "portal-03-license");
    }

    [Fact]
    public async Task A_customer_frees_a_lost_machines_seat_and_the_admin_api_no_longer_holds_it()
    {
        var (license, customer) = await LicenseWithMachinesAsync(maxTransfers: 3, "old-laptop", "desk-pc");
        var page = await browser.NewPageAsync(server.Http.BaseAddress!.ToString());
        var asked = new List<string>();
        page.Dialog += (_, dialog) =>
        {
            asked.Add(dialog.Message);
            _ = dialog.AcceptAsync();
        };
        await SignInAsync(page, license.UserKey, customer);

        var machines = page.GetByRole(AriaRole.Table, new() { Name = "Machines", Exact = true });
        await machines.Locator("tbody tr").Filter(new() { HasText = "old-laptop" })
            .GetByRole(AriaRole.Button, new() { Name = "Free this seat", Exact = true }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "The seat of old-laptop is free." })).ToBeVisibleAsync();
        Assert.Equal(["Free the seat of Client old-laptop (old-laptop)? That machine stops being licensed. It counts as one of the 3 moves this license allows in 30 days."], asked);
        await Expect(machines.Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(machines.Locator("tbody tr")).ToContainTextAsync(["desk-pc"]);
        await Expect(Term(page, "Machine moves left")).ToHaveTextAsync("2 of 3 in 30 days");
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Seat events and sign-ins, newest first", Exact = true }).Locator("tbody tr").First)
            .ToContainTextAsync("Machine deactivated" + "old-laptop" + "You, in this portal");
        var admin = await AdminLicenseAsync(license.LicenseId);
        Assert.Equal(1, admin.GetProperty("activeClientCount").GetInt32());
        Assert.Equal(["desk-pc"], LiveMachines(admin));
        await CheckPageAsync(page, "portal-04-seat-freed");
    }

    [Fact]
    public async Task A_free_past_the_transfer_limit_is_refused_with_the_servers_sentence_and_the_seat_stays()
    {
        var (license, customer) = await LicenseWithMachinesAsync(maxTransfers: 1, "pc-a", "pc-b");
        var page = await browser.NewPageAsync(server.Http.BaseAddress!.ToString());
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await SignInAsync(page, license.UserKey, customer);
        var machines = page.GetByRole(AriaRole.Table, new() { Name = "Machines", Exact = true });
        await FreeAsync(machines, "pc-a");
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "The seat of pc-a is free." })).ToBeVisibleAsync();
        var nextMove = server.Clock.GetUtcNow().AddDays(30).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await Expect(Term(page, "Machine moves left")).ToHaveTextAsync($"0 of 1 in 30 days, the next on {nextMove}");

        await FreeAsync(machines, "pc-b");

        var refusal = await RefusedFreeDetailAsync(license.UserKey, "pc-b");
        Assert.Matches(@"^This license allows 1 move in 30 days; 0 are left until \d{1,2} [A-Z][a-z]+\.$", refusal);
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(refusal);
        await Expect(machines.Locator("tbody tr")).ToContainTextAsync(["pc-b"]);
        Assert.Equal(["pc-b"], LiveMachines(await AdminLicenseAsync(license.LicenseId)));
        await CheckPageAsync(page, "portal-05-free-refused");
    }

    [Fact]
    public async Task A_customer_pastes_an_offline_request_and_gets_the_signed_response_the_api_holds_a_seat_for()
    {
        var (license, customer) = await LicenseWithMachinesAsync(maxTransfers: 3);
        var requestId = OfflineWire.NewRequestId();
        var page = await browser.NewPageAsync(server.Http.BaseAddress!.ToString());
        await SignInAsync(page, license.UserKey, customer);

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Offline activation", Exact = true })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Activation request", Exact = true })
            .FillAsync(OfflineWire.Request(license.UserKey, "ship-pc", requestId, server.Clock.GetUtcNow(), clientName: "Bridge"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Activate", Exact = true }).ClickAsync();

        var responseBox = page.GetByRole(AriaRole.Textbox, new() { Name = "Activation response", Exact = true });
        await Expect(responseBox).ToBeVisibleAsync();
        await Expect(responseBox).ToHaveAttributeAsync("readonly", "");
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Machines", Exact = true }).Locator("tbody tr")).ToContainTextAsync(["ship-pc" + "Bridge"]);
        var response = await responseBox.InputValueAsync();
        using var jwks = await server.SendForJsonAsync(HttpMethod.Get, "v1/license/keys", null, null);
        Assert.True(OfflineWire.Verifies(response, jwks.RootElement));
        var payload = OfflineWire.Read(response).Payload;
        Assert.Equal((requestId, "ship-pc", license.LicenseId),
            (payload.GetProperty("requestId").GetString(), payload.GetProperty("machineId").GetString(), payload.GetProperty("licenseId").GetString()));
        Assert.Equal("data:text/plain;charset=utf-8," + Uri.EscapeDataString(response),
            await page.GetByRole(AriaRole.Link, new() { Name = "Download response", Exact = true }).GetAttributeAsync("href"));
        Assert.Equal(["ship-pc"], LiveMachines(await AdminLicenseAsync(license.LicenseId)));
        await CheckPageAsync(page, "portal-06-offline-activation");
    }

    [Fact]
    public async Task When_the_sessions_hour_is_over_an_action_sends_the_customer_back_to_sign_in_with_a_message_and_changes_nothing()
    {
        var (license, customer) = await LicenseWithMachinesAsync(maxTransfers: 3, "kept-pc");
        var page = await browser.NewPageAsync(server.Http.BaseAddress!.ToString());
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await SignInAsync(page, license.UserKey, customer);

        server.Clock.Advance(TimeSpan.FromMinutes(61));
        await FreeAsync(page.GetByRole(AriaRole.Table, new() { Name = "Machines", Exact = true }), "kept-pc");

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Your session has expired. Sign in again with your license key.");
        Assert.Null(await page.EvaluateAsync<string?>($"() => sessionStorage.getItem('{SessionKey}')"));
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out", Exact = true })).ToBeHiddenAsync();
        Assert.Equal(["kept-pc"], LiveMachines(await AdminLicenseAsync(license.LicenseId)));
        await CheckPageAsync(page, "portal-07-session-expired");
    }

    [Fact]
    public async Task On_a_phone_each_machine_is_a_labelled_card_and_nothing_scrolls_sideways()
    {
        var (license, customer) = await LicenseWithMachinesAsync(maxTransfers: 3, "phone-office-workstation-0001", "phone-laptop");
        var page = await browser.NewPageAsync(server.Http.BaseAddress!.ToString(), width: 390, height: 844);
        await page.GotoAsync("portal");
        await CheckPageAsync(page, "portal-08-phone-sign-in");

        await SignInAsync(page, license.UserKey, customer);

        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Machines", Exact = true }).Locator("tbody tr")).ToHaveCountAsync(2);
        Assert.Equal(390, await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth"));
        Assert.Equal("Last heartbeat", await page.EvaluateAsync<string>(
            "() => getComputedStyle(document.querySelector('td[data-label=\"Last heartbeat\"]'), '::before').content.replaceAll('\"', '')"));
        await CheckPageAsync(page, "portal-09-phone-license");
    }

    [Fact]
    public async Task Signing_out_forgets_the_session_and_shows_the_sign_in_form()
    {
        var (license, customer) = await LicenseWithMachinesAsync(maxTransfers: 0, "pc-1");
        var page = await browser.NewPageAsync(server.Http.BaseAddress!.ToString());
        await SignInAsync(page, license.UserKey, customer);
        await Expect(Term(page, "Machine moves left")).ToHaveTextAsync("Unlimited");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out", Exact = true }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Textbox, new() { Name = "License key", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveCountAsync(0);
        Assert.Null(await page.EvaluateAsync<string?>($"() => sessionStorage.getItem('{SessionKey}')"));
    }

    private static async Task SignInAsync(IPage page, string userKey, string customer)
    {
        if (!page.Url.Contains("/portal", StringComparison.Ordinal))
        {
            await page.GotoAsync("portal");
        }

        await page.GetByRole(AriaRole.Textbox, new() { Name = "License key", Exact = true }).FillAsync(userKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = customer, Level = 1 })).ToBeVisibleAsync();
    }

    private static Task FreeAsync(ILocator machines, string machineId) =>
        machines.Locator("tbody tr").Filter(new() { HasText = machineId })
            .GetByRole(AriaRole.Button, new() { Name = "Free this seat", Exact = true }).ClickAsync();

    private static ILocator Term(IPage page, string name) =>
        page.Locator("dl.terms div").Filter(new() { Has = page.Locator("dt", new() { HasTextString = name }) }).Locator("dd");

    /// <summary>A fresh node-locked license of three seats with the named machines activated through the API.</summary>
    private async Task<(License License, string Customer)> LicenseWithMachinesAsync(int maxTransfers, params string[] machineIds)
    {
        var customer = "Portal Customer " + Guid.NewGuid().ToString("N")[..8];
        var license = await server.CreateLicenseAsync(mode: 1, seats: 3, extra: new { customerName = customer, maxTransfers });
        foreach (var machineId in machineIds)
        {
            using var activated = await server.CallAsync("v1/license/activate", new { license.UserKey, machineId, clientName = "Client " + machineId });
            Assert.True(activated.RootElement.GetProperty("success").GetBoolean());
        }

        return (license, customer);
    }

    private async Task<JsonElement> AdminLicenseAsync(string licenseId)
    {
        using var license = await server.SendForJsonAsync(HttpMethod.Get, "v1/admin/licenses/" + licenseId, null, ServerFixture.AdminKey);
        return license.RootElement.Clone();
    }

    private static string[] LiveMachines(JsonElement adminLicense) => adminLicense.GetProperty("licenseTokens").EnumerateArray()
        .Where(t => t.GetProperty("state").GetString() == "live")
        .Select(t => t.GetProperty("machineId").GetString()!)
        .ToArray();

    /// <summary>The license document as the portal's API serves it to a fresh session.</summary>
    private async Task<string> DocumentAsync(string userKey)
    {
        using var response = await PortalCallAsync(HttpMethod.Get, "v1/portal/license/document", await SessionAsync(userKey));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The problem detail the portal's API answers, through a fresh session, to freeing the machine's seat (asserted refused).</summary>
    private async Task<string> RefusedFreeDetailAsync(string userKey, string machineId)
    {
        var session = await SessionAsync(userKey);
        using var view = await PortalCallAsync(HttpMethod.Get, "v1/portal/license", session);
        using var license = await ServerFixture.ReadJsonAsync(view);
        var token = license.RootElement.GetProperty("license").GetProperty("licenseTokens").EnumerateArray()
            .Single(t => t.GetProperty("machineId").GetString() == machineId && t.GetProperty("state").GetString() == "live")
            .GetProperty("token").GetString();
        using var refused = await PortalCallAsync(HttpMethod.Post, $"v1/portal/license/seats/{token}/release", session);
        using var problem = await ServerFixture.ReadJsonAsync(refused);
        Assert.Equal((HttpStatusCode.Conflict, "transfer_limit_reached"), (refused.StatusCode, problem.RootElement.GetProperty("code").GetString()));
        return problem.RootElement.GetProperty("detail").GetString()!;
    }

    private static string SigningInput(string compactJws) => compactJws[..compactJws.LastIndexOf('.')];

    private async Task<string> SessionAsync(string userKey)
    {
        using var session = await server.SendForJsonAsync(HttpMethod.Post, "v1/portal/session", new { userKey }, apiKey: null);
        return session.RootElement.GetProperty("sessionToken").GetString()!;
    }

    private async Task<HttpResponseMessage> PortalCallAsync(HttpMethod method, string route, string session)
    {
        using var request = new HttpRequestMessage(method, route);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", session);
        if (method == HttpMethod.Post)
        {
            request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        }

        return await server.Http.SendAsync(request);
    }
}
