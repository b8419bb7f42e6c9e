using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Licensing.Tests.Support;

namespace Licensing.Tests.Cli;

/// <summary><c>licensing licenses import</c> and <c>export</c> run as processes against a real server.</summary>
[Collection(SlowTests.Name)]
[Trait("Category", "Slow")]
public sealed class CliImportTests(ServerFixture server) : IClassFixture<ServerFixture>, IDisposable
{
    private const int Rows = 5000;
    private static readonly string[] MovedFeatures = ["pro", "export"];
    private static readonly string[] GivenAnew = ["licenseId", "issuedAt", "activeClientCount", "licenseTokens", "truncated"];
    private static readonly string[] ShownTerms = ["userKey", "licensingMode", "maxClientCount", "customerName", "expireAt", "features"];

    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("licensing-import-");

    public void Dispose() => _work.Delete(recursive: true);

    [Fact]
    public async Task Importing_5000_rows_with_10_bad_creates_4990_reports_the_10_a_second_run_creates_none_and_the_export_lists_the_4990()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var (file, bad) = await WriteCsvAsync(run);

        var first = await CliAsync("licenses", "import", file);
        var firstErrors = await File.ReadAllLinesAsync(file + ".errors");
        var second = await CliAsync("licenses", "import", file);
        var secondErrors = await File.ReadAllLinesAsync(file + ".errors");
        var export = await CliAsync("licenses", "export");

        Assert.True(first.ExitCode == 1, first.ToString());
        Assert.Equal($"import: 4990 created, 0 skipped (already imported), 10 failed (see {file}.errors)", LastLine(first));
        // The two rows with a short key pass the local checks and are refused by the server: 4,992 rows reach it.
        Assert.Equal(["import: 1000/4992 rows", "import: 2000/4992 rows", "import: 3000/4992 rows", "import: 4000/4992 rows", "import: 4992/4992 rows"],
            first.StdOut.Split('\n').Where(l => l.Contains(" rows/s, ", StringComparison.Ordinal)).Select(l => l[..l.IndexOf(" rows", StringComparison.Ordinal)] + " rows"));
        Assert.Equal(bad, firstErrors);
        Assert.True(second.ExitCode == 1, second.ToString());
        Assert.Equal($"import: 0 created, 4990 skipped (already imported), 10 failed (see {file}.errors)", LastLine(second));
        Assert.Equal(bad, secondErrors);
        AssertExported(export, run);
    }

    /// <summary>The export (pages of 200) holds each of the 4,990 licenses once, with the terms its row gave it.</summary>
    private static void AssertExported(ProcessResult export, string run)
    {
        Assert.True(export.ExitCode == 0, export.ToString());
        var ours = export.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonNode.Parse(l)!.AsObject())
            .Where(l => ((string)l["userKey"]!).StartsWith($"IMPORT-{run}-", StringComparison.Ordinal))
            .ToList();
        Assert.Equal(4990, ours.Count);
        Assert.Equal(4990, ours.Select(l => (string)l["userKey"]!).Distinct().Count());
        var first = ours.Single(l => (string)l["userKey"]! == UserKey(run, 0));
        var shown = new JsonObject(ShownTerms.Select(name => KeyValuePair.Create(name, first[name]?.DeepClone())));
        var expected = new JsonObject
        {
            ["userKey"] = UserKey(run, 0),
            ["licensingMode"] = "activation",
            ["maxClientCount"] = 3,
            ["customerName"] = $"Customer {run} 0, Ltd",
            ["expireAt"] = "2030-01-01T00:00:00+00:00",
            ["features"] = new JsonArray("pro", "sso"),
        };
        Assert.True(JsonNode.DeepEquals(expected, shown), shown.ToJsonString());
    }

    [Fact]
    public async Task A_dry_run_checks_the_rows_and_creates_nothing()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var file = Path.Combine(_work.FullName, "dry.jsonl");
        await File.WriteAllLinesAsync(file,
        [
            JsonSerializer.Serialize(new { userKey = UserKey(run, 1), licensingMode = "activation", maxClientCount = 2 }),
            JsonSerializer.Serialize(new { userKey = UserKey(run, 2), licensingMode = "everything", maxClientCount = 2 }),
        ]);

        var dry = await CliAsync("licenses", "import", file, "--dry-run");
        var search = await CliAsync("licenses", "list", "--search", UserKey(run, 1), "--json");

        Assert.True(dry.ExitCode == 1, dry.ToString());
        Assert.Equal($"import (dry run): 1 rows to create or skip, 1 failed (see {file}.errors)", LastLine(dry));
        Assert.Equal([$"line 2: licensingMode: 'everything' is not floating, activation or file\t{JsonSerializer.Serialize(new { userKey = UserKey(run, 2), licensingMode = "everything", maxClientCount = 2 })}"],
            await File.ReadAllLinesAsync(file + ".errors"));
        Assert.Empty(JsonDocument.Parse(search.StdOut).RootElement.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task An_export_imported_into_another_deployment_gives_each_license_the_same_terms_and_state()
    {
        await using var other = await ServerFixture.StartAsync(_ => { });
        var run = Guid.NewGuid().ToString("N")[..8];
        string[] keys = [UserKey(run, 1), UserKey(run, 2), UserKey(run, 3)];
        using (await server.AdminPostAsync("v1/admin/licenses", new
        {
            userKey = keys[0], licensingMode = 2, maxClientCount = 4, productId = "mover", customerName = "Mover AG, Basel",
            expireAt = "2031-01-01T00:00:00Z", supportExpireAt = "2030-07-01T00:00:00Z",
            heartbeatInterval = new { seconds = 120, nanos = 0 }, gracePeriod = new { seconds = 86_400, nanos = 0 }, maxBorrowDuration = new { seconds = 7_200, nanos = 0 },
            overageSeats = 1, maxTransfers = 3, features = MovedFeatures, portal = false,
            entitlements = new object[] { new { code = "projects", value = 5, expireAt = "2030-06-01T00:00:00Z" }, new { code = "pro" } },
        }))
        {
        }

        foreach (var (key, state) in new[] { (keys[1], "suspended"), (keys[2], "revoked") })
        {
            using var created = await server.AdminPostAsync("v1/admin/licenses", new { userKey = key, licensingMode = 1, maxClientCount = 2 });
            using var changed = await server.SendForJsonAsync(HttpMethod.Patch, $"v1/admin/licenses/{created.RootElement.GetProperty("licenseId").GetString()}",
                new Dictionary<string, bool> { [state] = true }, ServerFixture.AdminKey);
        }

        var export = await CliAsync(server, "licenses", "export");
        var file = Path.Combine(_work.FullName, "moved.jsonl");
        await File.WriteAllLinesAsync(file, export.StdOut.Split('\n').Where(l => keys.Any(k => l.Contains(k, StringComparison.Ordinal))));
        var import = await CliAsync(other, "licenses", "import", file);

        Assert.True(export.ExitCode == 0, export.ToString());
        Assert.Equal(3, File.ReadAllLines(file).Length);
        Assert.True(import.ExitCode == 0, import.ToString());
        Assert.Equal($"import: 3 created, 0 skipped (already imported), 0 failed (see {file}.errors)", LastLine(import));
        foreach (var key in keys)
        {
            Assert.Equal((await TermsAsync(server, key)).ToJsonString(), (await TermsAsync(other, key)).ToJsonString());
        }

        var moved = await TermsAsync(other, keys[0]);
        Assert.Equal(["projects", "pro", "export"], moved["entitlements"]!.AsArray().Select(e => (string)e!["code"]!));
        Assert.Equal((false, true, true), ((bool)moved["portal"]!, (bool)(await TermsAsync(other, keys[1]))["suspended"]!, (bool)(await TermsAsync(other, keys[2]))["revoked"]!));
    }

    /// <summary>A license as the admin API lists it, without what each deployment gives it anew (its id, issue time and seats).</summary>
    private static async Task<JsonObject> TermsAsync(ServerFixture at, string userKey)
    {
        using var page = await at.SendForJsonAsync(HttpMethod.Get, $"v1/admin/licenses?search={userKey}", null, ServerFixture.AdminKey);
        var license = JsonNode.Parse(Assert.Single(page.RootElement.GetProperty("items").EnumerateArray()).GetRawText())!.AsObject();
        foreach (var given in GivenAnew)
        {
            license.Remove(given);
        }

        return license;
    }

    /// <summary>5,000 rows, the 10 bad ones spread through the file; returns the file and the error lines they must give.</summary>
    private async Task<(string File, List<string> Bad)> WriteCsvAsync(string run)
    {
        var csv = new StringBuilder("userKey,licensingMode,maxClientCount,customerName,expireAt,features\n");
        var bad = new List<string>();
        for (var i = 0; i < Rows; i++)
        {
            var line = i + 2;
            var row = (i % 500) switch
            {
                250 when i / 500 % 5 == 0 => $"short-{i},floating,3,Customer {run} {i},,pro",
                250 when i / 500 % 5 == 1 => $"{UserKey(run, i)},everything,3,Customer {run} {i},,pro",
                250 when i / 500 % 5 == 2 => $"{UserKey(run, i)},floating,three,Customer {run} {i},,pro",
                250 when i / 500 % 5 == 3 => $"{UserKey(run, i)},floating,3,Customer {run} {i},someday,pro",
                250 => $",floating,3,Customer {run} {i},,pro",
                _ => $"{UserKey(run, i)},{(i % 2 == 0 ? "activation" : "floating")},3,\"Customer {run} {i}, Ltd\",2030-01-01,pro sso",
            };
            csv.Append(row).Append('\n');
            if (i % 500 == 250)
            {
                var why = (i / 500 % 5) switch
                {
                    0 => "userKey: must be 20 to 128 characters with at least 10 different ones, without control characters or surrounding spaces.",
                    1 => "licensingMode: 'everything' is not floating, activation or file",
                    2 => "maxClientCount: 'three' is not a whole number",
                    3 => "expireAt: 'someday' is not a date such as 2030-01-01 or 2030-01-01T12:00:00Z",
                    _ => "userKey: required",
                };
                bad.Add($"line {line}: {why}\t{row}");
            }
        }

        var file = Path.Combine(_work.FullName, "customers.csv");
        await File.WriteAllTextAsync(file, csv.ToString());
        return (file, bad);
    }

    private static string UserKey(string run, int i) => $"IMPORT-{run}-{i:D6}-KEYX";

    private static string LastLine(ProcessResult result) => result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];

    private Task<ProcessResult> CliAsync(params string[] arguments) => CliAsync(server, arguments);

    private static Task<ProcessResult> CliAsync(ServerFixture at, params string[] arguments) =>
        ProcessRun.RunAsync("dotnet", [CliPaths.Dll, .. arguments, "--url", at.Http.BaseAddress!.ToString(), "--api-key", ServerFixture.AdminKey],
            timeout: TimeSpan.FromMinutes(5));
}
