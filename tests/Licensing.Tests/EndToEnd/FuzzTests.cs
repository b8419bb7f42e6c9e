using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Licensing.Auth;
using Licensing.Api;
using Licensing.Http;
using Licensing.Settings;
using Licensing.Storage;
using Licensing.Tests.Support;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Licensing.Tests.EndToEnd;

/// <summary>
/// Thousands of generated requests over every HTTP function the app declares, against a real server and Azurite:
/// never a 5xx or a hang, every refusal a problem body, nothing stored by a refused request, and a server that still
/// works after. Seeded: LICENSING_FUZZ_SEED replays a run, LICENSING_FUZZ_REQUESTS sets its size.
/// </summary>
[Collection(SlowTests.Name)]
[Trait("Category", "Slow")]
public sealed class FuzzTests(ITestOutputHelper output)
{
    private const int Concurrency = 8;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);
    private static readonly string[] SafeMethods = ["GET", "HEAD", "OPTIONS"];
    private static readonly string[] OutcomeFlags = ["success", "granted", "active"];

    [Fact]
    public async Task Fuzzed_requests_to_every_endpoint_never_fail_the_server_refuse_with_problems_and_store_nothing_when_refused()
    {
        var seed = Setting("LICENSING_FUZZ_SEED") ?? Random.Shared.Next();
        var count = Setting("LICENSING_FUZZ_REQUESTS") ?? 10_000;
        output.WriteLine($"Fuzz seed {seed}, {count} requests (replay: LICENSING_FUZZ_SEED={seed})");
        await using var server = await ServerFixture.StartAsync(s =>
        {
            s[SettingNames.RateLimitPerKey] = "1000000";
            s[SettingNames.RateLimitPerAddress] = "1000000";
            s[SettingNames.FailedKeyLimitPerAddress] = "1000000";
        }, configure: builder => builder.Logging.AddFilter(typeof(RequestThrottle).FullName, LogLevel.Error));
        var targets = await TargetsAsync(server);
        var functions = FunctionRoutes.Discover(typeof(Wiring).Assembly);
        var generator = new FuzzRequestGenerator(functions, targets, seed);
        var before = await StoredRows.SnapshotAsync(server.Tables);

        var answers = new FuzzAnswer[count];
        var clock = Stopwatch.StartNew();
        using (var client = new FuzzClient(server.Http.BaseAddress!, RequestTimeout))
        {
            await Parallel.ForEachAsync(
                Enumerable.Range(0, count),
                new ParallelOptions { MaxDegreeOfParallelism = Concurrency },
                async (i, _) => answers[i] = await client.SendAsync(generator.Create(i)));
        }

        clock.Stop();
        var after = await StoredRows.SnapshotAsync(server.Tables);

        var failures = answers.Select(a => (Answer: a, Failure: Check(a))).Where(f => f.Failure is not null).ToList();
        var (licenses, apiKeys) = ChangedByAcceptedCalls(answers);
        var changes = StoredRows.Differences(before, after);
        var unexplained = changes
            .Where(c => !(c.LicenseId is { } id && licenses.Contains(id)) && !(c.Row.Table == StoredRow.ApiKeys && apiKeys.Contains(c.Row.RowKey)))
            .Where(c => !IsApiKeyEvent(c.Row))
            .ToList();

        // The API keys' audit events name no key in their row key: one per accepted create or delete of a key.
        var keyEvents = changes.Count(c => IsApiKeyEvent(c.Row));
        var keyWrites = answers.Count(a => a.IsSuccess && a.Request.Function.Name is "CreateApiKey" or "DeleteApiKey");
        Assert.True(keyEvents == keyWrites, $"{keyEvents} API-key audit events stored for {keyWrites} accepted key creates and deletes");
        Report(answers, functions.Count, clock.Elapsed, before.Count, changes.Count, unexplained.Count);

        var replay = $"seed {seed} (LICENSING_FUZZ_SEED={seed})";
        Assert.True(failures.Count == 0, $"{failures.Count} bad answers, {replay}; a few of each kind:\n" + string.Join("\n", failures
            .GroupBy(f => f.Failure![..Math.Min(f.Failure!.Length, 24)])
            .SelectMany(g => g.Take(4))
            .Select(f => $"{f.Failure}: {f.Answer.Request}")));
        Assert.True(unexplained.Count == 0, $"{unexplained.Count} stored rows changed by refused requests, {replay}:\n" + string.Join("\n", unexplained.Take(25).Select(c => $"{c.Row} {c.Change}")));
        Assert.DoesNotContain(targets.Guarded, g => licenses.Contains(g.LicenseId));
        Assert.All(functions, f => Assert.Contains(answers, a => a.Request.Function.Name == f.Name));
        await AssertServerStillWorksAsync(server, targets.Guarded[0]);
    }

    /// <summary>Null when the answer is one the contract allows.</summary>
    private static string? Check(FuzzAnswer answer)
    {
        var request = answer.Request;
        if (answer.NoAnswer is { } why)
        {
            // The host may close the connection on a request it refuses while the client is still sending the body.
            return request.HostMayAnswer.Count > 0 && !answer.TimedOut ? null : why;
        }

        if (answer.Status >= 500)
        {
            return $"{answer.Status} {Text(answer.Body)}";
        }

        if (answer.IsSuccess)
        {
            return request.MustBeRefused && !(request.DenialRefuses && IsDenial(answer.Body)) ? $"{answer.Status} to a request built to be refused" : null;
        }

        if (request.HostMayAnswer.Contains(answer.Status) && answer.Body.Length == 0)
        {
            return null;
        }

        if (answer.ContentType != "application/problem+json")
        {
            return $"{answer.Status} as {answer.ContentType ?? "no content type"}: {Text(answer.Body)}";
        }

        if (request.Method == "HEAD")
        {
            return null;
        }

        try
        {
            using var problem = JsonDocument.Parse(answer.Body);
            return problem.RootElement.TryGetProperty("status", out var status) && status.TryGetInt32(out var value) && value == answer.Status
                ? null
                : $"{answer.Status} with a problem whose status differs: {Text(answer.Body)}";
        }
        catch (JsonException)
        {
            return $"{answer.Status} with a problem that is no JSON: {Text(answer.Body)}";
        }
    }

    private static bool IsApiKeyEvent(StoredRow row) => row.Table == StoredRow.ApiKeys && TableKeys.IsEventRow(row.RowKey);

    /// <summary>
    /// The licenses and API keys that accepted calls may have changed: those the request named, and those its answer
    /// names (a created license or key). Safe methods and denials are left out: they must change nothing.
    /// </summary>
    private static (HashSet<string> Licenses, HashSet<string> ApiKeys) ChangedByAcceptedCalls(IEnumerable<FuzzAnswer> answers)
    {
        var licenses = new HashSet<string>(StringComparer.Ordinal);
        var apiKeys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var answer in answers.Where(a => a.IsSuccess && !SafeMethods.Contains(a.Request.Method)))
        {
            using var json = JsonDocument.Parse(answer.Body.Length == 0 ? "{}"u8.ToArray() : answer.Body);
            var root = json.RootElement;
            if (IsDenial(root))
            {
                continue;
            }

            licenses.UnionWith(answer.Request.NamedLicenseIds);
            apiKeys.UnionWith(answer.Request.NamedApiKeyIds);
            if (root.TryGetProperty("licenseId", out var licenseId))
            {
                licenses.Add(licenseId.GetString()!);
            }

            if (root.TryGetProperty("license", out var license) && license.ValueKind == JsonValueKind.Object)
            {
                licenses.Add(license.GetProperty("licenseId").GetString()!);
            }

            if (root.TryGetProperty("id", out var id) && root.TryGetProperty("key", out _))
            {
                apiKeys.Add(id.GetString()!);
            }
        }

        return (licenses, apiKeys);
    }

    private static bool IsDenial(byte[] body)
    {
        using var json = JsonDocument.Parse(body.Length == 0 ? "{}"u8.ToArray() : body);
        return IsDenial(json.RootElement);
    }

    /// <summary>A client call's 200 that says no (success, granted or active false): a refusal too, which must store nothing.</summary>
    private static bool IsDenial(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object
        && OutcomeFlags.Any(name => root.TryGetProperty(name, out var flag) && flag.ValueKind == JsonValueKind.False);

    private void Report(FuzzAnswer[] answers, int functions, TimeSpan elapsed, int rows, int changedRows, int unexplainedRows)
    {
        output.WriteLine($"{answers.Length} requests over {functions} functions in {elapsed.TotalSeconds:F1} s ({answers.Length / elapsed.TotalSeconds:F0}/s, {Concurrency} at a time)");
        foreach (var group in answers.GroupBy(a => a.Status).OrderBy(g => g.Key))
        {
            output.WriteLine($"  {(group.Key == 0 ? "no answer" : group.Key.ToString(CultureInfo.InvariantCulture))}: {group.Count()}");
        }

        var refused = answers.Where(a => a.Request.MustBeRefused).ToList();
        output.WriteLine($"  built to be refused: {refused.Count}, of which answered 2xx: {refused.Count(a => a.IsSuccess)}");
        output.WriteLine($"  2xx answers to calls that may write: {answers.Count(a => a.IsSuccess && !SafeMethods.Contains(a.Request.Method))}");
        foreach (var group in answers.GroupBy(a => a.Request.Case.Split(':')[0]).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  case {group.Key}: {group.Count()}");
        }

        output.WriteLine($"stored rows before: {rows}; changed after: {changedRows}, of which {unexplainedRows} by no accepted call");
    }

    /// <summary>A fresh license still checks out a seat, activates and validates, and the guarded license still holds its seat.</summary>
    private static async Task AssertServerStillWorksAsync(ServerFixture server, FuzzLicense guarded)
    {
        var floating = await server.CreateLicenseAsync(mode: 2, seats: 1);
        var activation = await server.CreateLicenseAsync(mode: 1, seats: 1);

        var granted = (await server.CallAsync("v1/license/request", new { floating.UserKey, machineId = "after-fuzz" })).RootElement;
        var activated = (await server.CallAsync("v1/license/activate", new { activation.UserKey, machineId = "after-fuzz" })).RootElement;
        var validated = (await server.CallAsync("v1/license/validate", new { activation.UserKey, machineId = "after-fuzz" })).RootElement;
        var held = (await server.SendForJsonAsync(HttpMethod.Get, $"v1/admin/licenses/{guarded.LicenseId}", null, ServerFixture.AdminKey)).RootElement;

        Assert.True(granted.GetProperty("granted").GetBoolean(), granted.GetRawText());
        Assert.True(activated.GetProperty("success").GetBoolean(), activated.GetRawText());
        Assert.True(validated.GetProperty("success").GetBoolean(), validated.GetRawText());
        Assert.Equal(1, held.GetProperty("activeClientCount").GetInt32());
        Assert.Equal(1, (await server.StoredLicenseRowAsync(floating.LicenseId))!.GetInt32("LiveSeats"));
    }

    /// <summary>Licenses of every mode with a live seat each, guarded and playground, licenses to delete, and keys to delete.</summary>
    private static async Task<FuzzTargets> TargetsAsync(ServerFixture server)
    {
        var guarded = new List<FuzzLicense>();
        var playground = new List<FuzzLicense>();
        var expendable = new List<FuzzLicense>();
        foreach (var mode in new[] { 2, 1, 0 })
        {
            guarded.Add(await LicenseWithSeatAsync(server, mode, "guarded"));
            playground.Add(await LicenseWithSeatAsync(server, mode, "playground"));
            expendable.Add(await LicenseWithSeatAsync(server, mode, "expendable"));
        }

        var decoys = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            decoys.Add((await server.AdminPostAsync("v1/admin/api-keys", new { name = $"decoy-{i}", scope = "client" })).RootElement.GetProperty("id").GetString()!);
        }

        // lk_{id}_{secret}: the fixture's own client key is the real key id requests built to be refused name.
        var clientKeyId = server.ClientKey.Split('_')[1];
        return new FuzzTargets(guarded, playground, expendable, clientKeyId, decoys, server.ClientKey, ServerFixture.AdminKey);
    }

    private static async Task<FuzzLicense> LicenseWithSeatAsync(ServerFixture server, int mode, string role)
    {
        var license = await server.CreateLicenseAsync(mode, seats: 5);
        var machineId = $"{role}-machine";
        var seat = mode switch
        {
            2 => await server.CallAsync("v1/license/request", new { license.UserKey, machineId }),
            1 => await server.CallAsync("v1/license/activate", new { license.UserKey, machineId }),
            _ => null,
        };
        var token = seat?.RootElement.GetProperty("licenseToken").GetString();
        var view = (await server.SendForJsonAsync(HttpMethod.Get, $"v1/admin/licenses/{license.LicenseId}", null, ServerFixture.AdminKey)).RootElement;
        var tokenId = view.GetProperty("licenseTokens").EnumerateArray().Select(t => t.GetProperty("token").GetString()).FirstOrDefault();
        var document = seat?.RootElement.GetProperty("license").GetProperty("licenseKey").EnumerateArray().Select(b => (byte)b.GetInt32()).ToArray();
        var offline = mode == 1
            ? (await server.CallAsync("v1/license/offline/activate", new { request = OfflineWire.Request(license.UserKey, machineId, OfflineWire.NewRequestId(), server.Clock.GetUtcNow()) }))
                .RootElement.GetProperty("response").GetString()
            : null;
        return new FuzzLicense(license.LicenseId, license.UserKey, mode, machineId, token, tokenId, document is null ? null : System.Text.Encoding.ASCII.GetString(document), offline);
    }

    private static int? Setting(string name) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static string Text(byte[] body) => System.Text.Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 300));
}
