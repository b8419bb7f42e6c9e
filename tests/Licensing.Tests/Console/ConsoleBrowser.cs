using System.Text.Json;
using Licensing.Tests.Support;
using Microsoft.Playwright;

namespace Licensing.Tests.Console;

/// <summary>
/// The system's headless Chromium (Debian's <c>chromium</c>, installed by scripts/test.sh: Playwright downloads no
/// browser) driven by Playwright, with the pinned axe-core (tools/axe) loaded into every page before its own scripts.
/// Screenshots (the console's and the portal's) go to <c>console-screenshots/</c> beside the test assembly.
/// </summary>
public sealed class ConsoleBrowser : IAsyncLifetime
{
    /// <summary>Set by scripts/test.sh (scripts/browser.sh) to the chromium it found or installed.</summary>
    public const string ChromiumVariable = "LICENSING_TEST_CHROMIUM";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public string AxeSource { get; private set; } = "";

    public static string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "console-screenshots");

    public async Task InitializeAsync()
    {
        var chromium = Environment.GetEnvironmentVariable(ChromiumVariable) is { Length: > 0 } set ? set : "/usr/bin/chromium";
        if (!File.Exists(chromium))
        {
            throw new InvalidOperationException($"No chromium at '{chromium}': run the tests with scripts/test.sh, which installs it (or set {ChromiumVariable}).");
        }

        var axe = Path.Combine(RepoPaths.Root, "tools", "axe", "node_modules", "axe-core", "axe.min.js");
        if (!File.Exists(axe))
        {
            throw new InvalidOperationException($"No axe-core at '{axe}': run the tests with scripts/test.sh, which installs it (npm ci in tools/axe).");
        }

        AxeSource = await File.ReadAllTextAsync(axe);
        Directory.CreateDirectory(ScreenshotFolder);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }

    /// <summary>A fresh browser context (its own sessionStorage) with axe loaded into each of its pages.</summary>
    public async Task<IPage> NewPageAsync(string baseAddress, int width = 1280, int height = 900)
    {
        var context = await Browser.NewContextAsync(new() { BaseURL = baseAddress, ViewportSize = new() { Width = width, Height = height } });
        // An init script runs through the DevTools protocol, outside the page's CSP, which rightly refuses inline scripts.
        await context.AddInitScriptAsync(AxeSource);
        return await context.NewPageAsync();
    }

    /// <summary>axe-core's serious and critical violations on the page as it is now, one line each (empty: none).</summary>
    public static async Task<string> SeriousViolationsAsync(IPage page)
    {
        var violations = await page.EvaluateAsync<JsonElement>("""
            async () => {
              const result = await axe.run(document, { resultTypes: ['violations'] });
              return result.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map(n => n.target.join(' ')).join(', ')}`);
            }
            """);
        return string.Join(Environment.NewLine, violations.EnumerateArray().Select(v => v.GetString()));
    }

    /// <summary>Saves a full-page screenshot under <see cref="ScreenshotFolder"/>.</summary>
    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotFolder, name + ".png"), FullPage = true });

    /// <summary>A screenshot of the page, and no serious or critical accessibility violation on it.</summary>
    public static async Task CheckPageAsync(IPage page, string name)
    {
        await ScreenshotAsync(page, name);
        Assert.Equal("", await SeriousViolationsAsync(page));
    }
}
