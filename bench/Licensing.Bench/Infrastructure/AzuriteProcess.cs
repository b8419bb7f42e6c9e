using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Licensing.Bench.Infrastructure;

/// <summary>
/// An Azurite table service of the bench's own on 127.0.0.1, from the pinned install in tools/azurite: in memory, or
/// on disk in a folder (the soak stops it and starts it again on the same folder and port). Stopped with SIGINT (it
/// can lose writes on SIGTERM) when disposed, and on process exit as a last resort.
/// </summary>
public sealed partial class AzuriteProcess : IAsyncDisposable
{
    private const string AccountName = "devstoreaccount1";
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private const int SigInt = 2;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly Queue<string> _lastLines = new();
    private Process? _process;
    private int _disposed;

    private AzuriteProcess(int port, string? location)
    {
        Port = port;
        Location = location;
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    public int Port { get; }

    /// <summary>The folder Azurite keeps its data in; null when in memory.</summary>
    public string? Location { get; }

    public int ProcessId => _process?.Id ?? 0;

    public bool IsRunning => _process is { HasExited: false };

    public string ConnectionString => ConnectionStringFor(Port);

    public static string ConnectionStringFor(int port) =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};TableEndpoint=http://127.0.0.1:{port}/{AccountName};";

    public static string Executable => Path.Combine(RepoRoot.Path, "tools", "azurite", "node_modules", ".bin", "azurite-table");

    /// <summary>Starts Azurite (in memory, or on disk in <paramref name="location"/>) and waits until it accepts connections (30 s at most).</summary>
    public static async Task<AzuriteProcess> StartAsync(int? port, CancellationToken ct, string? location = null)
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

        var azurite = new AzuriteProcess(chosen, location);
        try
        {
            await azurite.LaunchAsync(ct).ConfigureAwait(false);
            return azurite;
        }
        catch
        {
            await azurite.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Starts it again after <see cref="StopAsync"/>, on the same port and folder.</summary>
    public async Task RestartAsync(CancellationToken ct)
    {
        if (IsRunning)
        {
            throw new InvalidOperationException("Azurite is still running");
        }

        if (await AcceptsAsync(Port, ct).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"port {Port} on 127.0.0.1 was taken while Azurite was stopped");
        }

        await LaunchAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// SIGINT, then waits for the process to exit. True when it exited by itself within <paramref name="timeout"/>;
    /// false when it had to be killed (its last writes may then be lost).
    /// </summary>
    public async Task<bool> StopAsync(TimeSpan timeout)
    {
        var process = _process;
        if (process is null || process.HasExited)
        {
            return true;
        }

        _ = Kill(process.Id, SigInt);
        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            return false;
        }
    }

    private async Task LaunchAsync(CancellationToken ct)
    {
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Location ?? Path.GetTempPath(),
        };
        string[] storage = Location is null ? ["--inMemoryPersistence"] : ["--location", Location];
        foreach (var argument in new[] { "--tableHost", "127.0.0.1", "--tablePort", Port.ToString(System.Globalization.CultureInfo.InvariantCulture) }
                     .Concat(storage)
                     .Concat(["--disableTelemetry", "--skipApiVersionCheck", "--loose"]))
        {
            start.ArgumentList.Add(argument);
        }

        var previous = _process;
        var process = Process.Start(start) ?? throw new BenchUsageException("Azurite did not start");
        _process = process;
        previous?.Dispose();
        process.OutputDataReceived += (_, e) => Remember(e.Data);
        process.ErrorDataReceived += (_, e) => Remember(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.StandardInput.Close();

        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (process.HasExited)
            {
                throw new BenchUsageException($"Azurite exited at start (exit {process.ExitCode}): {LastLines()}");
            }

            if (await AcceptsAsync(Port, ct).ConfigureAwait(false))
            {
                return;
            }

            await Task.Delay(50, ct).ConfigureAwait(false);
        }

        throw new BenchUsageException($"Azurite did not accept connections on 127.0.0.1:{Port} within 30 s: {LastLines()}");
    }

    /// <summary>Azurite's resident memory and CPU time so far, for the results.</summary>
    public (long WorkingSet, TimeSpan Cpu) Usage()
    {
        if (_process is not { } process)
        {
            return (0, TimeSpan.Zero);
        }

        try
        {
            process.Refresh();
            return (process.WorkingSet64, process.TotalProcessorTime);
        }
        catch (InvalidOperationException)
        {
            return (0, TimeSpan.Zero);
        }
    }

    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await StopAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        _process?.Dispose();
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

    /// <summary>
    /// A free port below the kernel's ephemeral range (20000-32767, as scripts/azurite.sh picks), for an Azurite that is
    /// stopped and started again on it: no outgoing connection takes it as its local port while it is closed.
    /// </summary>
    public static int FreePortForRestarts()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(20_000, 32_768);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                listener.Stop();
                return port;
            }
            catch (SocketException)
            {
            }
        }

        throw new BenchUsageException("no free port between 20000 and 32767 on 127.0.0.1");
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
        if (Interlocked.Exchange(ref _disposed, 1) == 0 && _process is { HasExited: false } process)
        {
            _ = Kill(process.Id, SigInt);
            if (!process.WaitForExit(TimeSpan.FromSeconds(5)))
            {
                process.Kill(entireProcessTree: true);
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
