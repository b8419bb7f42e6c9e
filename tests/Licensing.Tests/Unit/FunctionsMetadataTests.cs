using System.Text.Json;
using Licensing.Tests.Support;

namespace Licensing.Tests.Unit;

/// <summary>The build output's functions.metadata is what the real Functions host loads: it must hold the contract's routes.</summary>
public sealed class FunctionsMetadataTests
{
    public static TheoryData<string, string> Endpoints => new()
    {
        { "v1/license/activate", "post" },
        { "v1/license/deactivate", "post" },
        { "v1/license/request", "post" },
        { "v1/license/release", "post" },
        { "v1/license/heartbeat", "post" },
        { "v1/license/validate", "post" },
        { "v1/license/info", "post" },
        { "v1/license/borrow", "post" },
        { "v1/license/offline/activate", "post" },
        { "v1/license/offline/deactivate", "post" },
        { "v1/license/usage", "post" },
        { "v1/license/keys", "get" },
        { "v1/admin/licenses", "post" },
        { "v1/admin/licenses", "get" },
        { "v1/admin/licenses/{licenseId}", "get" },
        { "v1/admin/licenses/{licenseId}", "patch" },
        { "v1/admin/licenses/{licenseId}", "delete" },
        { "v1/admin/licenses/{licenseId}/tokens/revoke", "post" },
        { "v1/admin/licenses/{licenseId}/events", "get" },
        { "v1/admin/licenses/{licenseId}/meters/{code}/reset", "post" },
        { "v1/admin/api-keys", "post" },
        { "v1/admin/api-keys", "get" },
        { "v1/admin/api-keys/events", "get" },
        { "v1/admin/api-keys/{id}", "delete" },
        { "console/{*asset}", "get" },
        { "portal/{*asset}", "get" },
        { "v1/portal/session", "post" },
        { "v1/portal/license", "get" },
        { "v1/portal/license/events", "get" },
        { "v1/portal/license/seats/{token}/release", "post" },
        { "v1/portal/license/document", "get" },
        { "v1/portal/license/offline/activate", "post" },
        { "v1/portal/license/offline/deactivate", "post" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public void Every_endpoint_is_an_anonymous_http_trigger_with_its_route_and_method(string route, string method)
    {
        var triggers = Bindings().Where(b => b.GetProperty("type").GetString() == "httpTrigger").ToList();

        var trigger = Assert.Single(triggers, b =>
            b.GetProperty("route").GetString() == route
            && b.GetProperty("methods").EnumerateArray().Any(m => m.GetString() == method));
        Assert.Equal("Anonymous", trigger.GetProperty("authLevel").GetString());
    }

    [Fact]
    public void The_expiry_timer_is_listed_with_its_schedule_read_from_a_setting()
    {
        var timer = Assert.Single(Functions(), f => f.GetProperty("name").GetString() == "ExpireLapsedTokens");

        var trigger = Assert.Single(timer.GetProperty("bindings").EnumerateArray(), b => b.GetProperty("type").GetString() == "timerTrigger");
        Assert.Equal("%Licensing:ExpirySchedule%", trigger.GetProperty("schedule").GetString());
    }

    [Fact]
    public void The_backup_timer_is_listed_with_its_schedule_read_from_a_setting()
    {
        var timer = Assert.Single(Functions(), f => f.GetProperty("name").GetString() == "BackupTables");

        var trigger = Assert.Single(timer.GetProperty("bindings").EnumerateArray(), b => b.GetProperty("type").GetString() == "timerTrigger");
        Assert.Equal("%Licensing:BackupSchedule%", trigger.GetProperty("schedule").GetString());
    }

    [Fact]
    public void The_catch_all_function_sorts_after_every_other_function_because_the_host_tries_routes_by_name()
    {
        var names = Functions().Select(f => f.GetProperty("name").GetString()!).ToList();
        var catchAll = Assert.Single(Functions(), f => f.GetProperty("bindings").EnumerateArray()
            .Any(b => b.TryGetProperty("route", out var route) && route.GetString() == "{*path}"));

        var catchAllName = catchAll.GetProperty("name").GetString()!;
        Assert.All(names.Where(n => n != catchAllName), n => Assert.True(
            string.CompareOrdinal(n, catchAllName) < 0 && string.Compare(n, catchAllName, StringComparison.OrdinalIgnoreCase) < 0,
            $"{n} sorts after the catch-all {catchAllName}"));
    }

    [Fact]
    public void Host_json_serves_routes_without_the_api_prefix()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "host.json")));

        Assert.Equal("", host.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
    }

    private static List<JsonElement> Functions()
    {
        var path = Path.Combine(RepoPaths.Root, "src", "Licensing.Functions", "bin", RepoPaths.Configuration, "net10.0", "functions.metadata");
        return JsonDocument.Parse(File.ReadAllText(path)).RootElement.EnumerateArray().ToList();
    }

    private static IEnumerable<JsonElement> Bindings() => Functions().SelectMany(f => f.GetProperty("bindings").EnumerateArray());
}
