using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Licensing.Bench.Infrastructure;

/// <summary>
/// An in-memory Azurite table service of the bench's own on 127.0.0.1, from the pinned install in tools/azurite.
/// Stopped with SIGINT (it can lose writes on SIGTERM) when disposed, and on process exit as a last resort.
/// </summary>
public sealed partial class AzuriteProcess : IAsyncDisposable
{
    private const string AccountName = "devstoreaccount1";
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private const int SigInt = 2;

    private readonly Process _process;
    private readonly Queue<string> _lastLines = new();
    private int _stopped;

    private AzuriteProcess(Process process, int port)
    {
        _process = process;
        Port = port;
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    public int Port { get; }

    public int ProcessId => _process.Id;

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};TableEndpoint=http://127.0.0.1:{Port}/{AccountName};";

    public static string Executable => Path.Combine(RepoRoot.Path, "tools", "azurite", "node_modules", ".bin", "azurite-table");

    /// <summary>Starts Azurite and waits until it accepts connections (30 s at most).</summary>
    public static async Task<AzuriteProcess> StartAsync(int? port, CancellationToken ct)
    {
        if (!File.Exists(Executable))
        {
            throw new BenchUsageException($"Azurite is not installed ({Executable} is missing): run `npm ci` in tools/azurite, or scripts/test.sh once");
        }

        var chosen = port ?? FreePort();
        if (await AcceptsAsync(chosen, ct).ConfigureAwait(false))
        {
            throw new BenchUsageException($"port {chosen} on 127.0.0.1 is in use (--azurite-port)");
        }

        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var argument in new[]
                 {
                     "--tableHost", "127.0.0.1", "--tablePort", chosen.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--inMemoryPersistence", "--disableTelemetry", "--skipApiVersionCheck", "--loose",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new BenchUsageException("Azurite did not start");
        var azurite = new AzuriteProcess(process, chosen);
        process.OutputDataReceived += (_, e) => azurite.Remember(e.Data);
        process.ErrorDataReceived += (_, e) => azurite.Remember(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.StandardInput.Close();

        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (process.HasExited)
            {
                await azurite.DisposeAsync().ConfigureAwait(false);
                throw new BenchUsageException($"Azurite exited at start (exit {process.ExitCode}): {azurite.LastLines()}");
            }

            if (await AcceptsAsync(chosen, ct).ConfigureAwait(false))
            {
                return azurite;
            }

            try
            {
                await Task.Delay(100, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await azurite.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        await azurite.DisposeAsync().ConfigureAwait(false);
        throw new BenchUsageException($"Azurite did not accept connections on 127.0.0.1:{chosen} within 30 s: {azurite.LastLines()}");
    }

    /// <summary>Azurite's resident memory and CPU time so far, for the results.</summary>
    public (long WorkingSet, TimeSpan Cpu) Usage()
    {
        try
        {
            _process.Refresh();
            return (_process.WorkingSet64, _process.TotalProcessorTime);
        }
        catch (InvalidOperationException)
        {
            return (0, TimeSpan.Zero);
        }
    }

    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _ = Kill(_process.Id, SigInt);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }

    /// <summary>A port nothing listens on now, from the kernel's own choice.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>True when something accepts TCP connections on 127.0.0.1:<paramref name="port"/>.</summary>
    public static async Task<bool> AcceptsAsync(int port, CancellationToken ct)
    {
        using var client = new TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(1));
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }

    private void OnProcessExit(object? sender, EventArgs e)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0 && !_process.HasExited)
        {
            _ = Kill(_process.Id, SigInt);
            if (!_process.WaitForExit(TimeSpan.FromSeconds(5)))
            {
                _process.Kill(entireProcessTree: true);
            }
        }
    }

    private void Remember(string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        lock (_lastLines)
        {
            _lastLines.Enqueue(line.Trim());
            while (_lastLines.Count > 5)
            {
                _lastLines.Dequeue();
            }
        }
    }

    private string LastLines()
    {
        lock (_lastLines)
        {
            return _lastLines.Count == 0 ? "(no output)" : string.Join(" | ", _lastLines);
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
