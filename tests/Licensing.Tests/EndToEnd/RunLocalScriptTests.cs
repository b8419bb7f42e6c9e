using System.Net;
using System.Net.Sockets;
using Licensing.Tests.Support;

namespace Licensing.Tests.EndToEnd;

/// <summary>scripts/run-local.sh as a person runs it: it builds, starts Azurite and the server, and watches its Azurite.</summary>
[Trait("Category", "Slow")]
[Collection(SlowTests.Name)]
public sealed class RunLocalScriptTests
{
    [Fact]
    public async Task When_its_Azurite_dies_the_script_says_so_in_one_line_stops_the_server_and_exits_1()
    {
        var local = Directory.CreateTempSubdirectory("licensing-run-local-");
        var port = FreeLoopbackPort();
        var environment = new Dictionary<string, string>
        {
            ["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["AZURITE_TABLE_PORT"] = FreeLoopbackPort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["AZURITE_BLOB_PORT"] = FreeLoopbackPort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["LICENSING_LOCAL_DIR"] = local.FullName,
        };
        try
        {
            await using var script = RunningProcess.Start("bash", ["scripts/run-local.sh"], environment);
            var azuriteLine = await script.WaitForLineAsync("    pid ", TimeSpan.FromMinutes(1));
            var azuritePid = int.Parse(azuriteLine["    pid ".Length..azuriteLine.IndexOf(';', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
            await WaitUntilServingAsync(port, script);

            using (var azurite = System.Diagnostics.Process.GetProcessById(azuritePid))
            {
                azurite.Kill();
            }

            var exitCode = await script.WaitForExitAsync(TimeSpan.FromMinutes(1));

            Assert.True(exitCode == 1, $"exit {exitCode}\n{script}");
            var line = Assert.Single(script.StdErr.Split('\n'), l => l.Contains("Azurite", StringComparison.Ordinal));
            Assert.Equal(
                $"==> Azurite exited (status 137) while the server was running; stopping the server. Azurite's log: {local.FullName}/azurite/azurite.log",
                line);
            Assert.Contains("==> Stopping local host (pid ", script.StdOut);
            Assert.False(Listens(port), $"the server still listens on {port}\n{script}");
        }
        finally
        {
            local.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task The_smoke_script_passes_against_the_server_it_runs_and_stopping_the_script_stops_both()
    {
        const string adminKey = "run-local-smoke-admin-key-0123456789";
        var local = Directory.CreateTempSubdirectory("licensing-run-local-");
        var port = FreeLoopbackPort();
        var environment = new Dictionary<string, string>
        {
            ["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["AZURITE_TABLE_PORT"] = FreeLoopbackPort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["AZURITE_BLOB_PORT"] = FreeLoopbackPort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["LICENSING_LOCAL_DIR"] = local.FullName,
            ["Licensing__AdminApiKey"] = adminKey,
        };
        try
        {
            await using var script = RunningProcess.Start("bash", ["scripts/run-local.sh"], environment);
            await WaitUntilServingAsync(port, script);

            var smoke = await ProcessRun.RunAsync("bash", ["scripts/smoke.sh", $"http://127.0.0.1:{port}/", adminKey], timeout: TimeSpan.FromMinutes(2));
            // TERM, as a service manager stops it: a test run started in the background inherits SIGINT ignored, and
            // bash cannot trap a signal it was started with ignored.
            await script.SignalAsync("TERM");
            var exitCode = await script.WaitForExitAsync(TimeSpan.FromMinutes(1));

            Assert.True(smoke.ExitCode == 0, smoke.ToString());
            var lines = smoke.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(15, lines.Length);
            Assert.All(lines[..^1], line => Assert.StartsWith("smoke: ok    ", line, StringComparison.Ordinal));
            Assert.Equal("smoke: passed", lines[^1]);
            Assert.True(exitCode == 143, $"exit {exitCode}\n{script}");
            Assert.Contains("==> Stopping local host (pid ", script.StdOut);
            Assert.Contains("==> Stopping Azurite (pid ", script.StdOut);
            Assert.False(Listens(port), $"the server still listens on {port}\n{script}");
        }
        finally
        {
            local.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_bad_setting_stops_the_script_with_the_one_line_naming_it_and_exit_code_1()
    {
        var local = Directory.CreateTempSubdirectory("licensing-run-local-");
        var environment = new Dictionary<string, string>
        {
            ["PORT"] = FreeLoopbackPort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["AZURITE_TABLE_PORT"] = FreeLoopbackPort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["AZURITE_BLOB_PORT"] = FreeLoopbackPort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["LICENSING_LOCAL_DIR"] = local.FullName,
            ["Licensing__AdminApiKey"] = "short",
        };
        try
        {
            var run = await ProcessRun.RunAsync("bash", ["scripts/run-local.sh"], environment: environment, timeout: TimeSpan.FromMinutes(5));

            Assert.True(run.ExitCode == 1, run.ToString());
            Assert.Equal("licensing: cannot start: Licensing:AdminApiKey is required and must be at least 16 characters.\n", run.StdErr);
            var lines = run.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var azurite = Assert.Single(lines, l => l.StartsWith("    pid ", StringComparison.Ordinal))["    pid ".Length..].Split(';')[0];
            var started = Array.FindIndex(lines, l => l.StartsWith("==> Run: ", StringComparison.Ordinal));
            // Then the Azurite it started stops: its table service (the pid it printed), then its blob service.
            var after = lines[(started + 1)..];
            Assert.True(after.Length == 3, string.Join("\n", after));
            Assert.Equal("==> Local host exited (status 1)", after[0]);
            Assert.Equal($"==> Stopping Azurite (pid {azurite}, SIGINT)", after[1]);
            Assert.Matches(@"^==> Stopping Azurite \(pid \d+, SIGINT\)$", after[2]);
        }
        finally
        {
            local.Delete(recursive: true);
        }
    }

    /// <summary>Waits until the server answers GET /v1/license/keys (the script builds first, which takes a while).</summary>
    private static async Task WaitUntilServingAsync(int port, RunningProcess script)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        while (!deadline.IsCancellationRequested)
        {
            try
            {
                using var answer = await http.GetAsync("v1/license/keys", deadline.Token);
                if (answer.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (OperationCanceledException)
            {
                break;
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), deadline.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        throw new TimeoutException($"the server never answered:\n{script}");
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool Listens(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
