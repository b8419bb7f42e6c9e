using System.Diagnostics;
using System.Text;

namespace Licensing.Tests.Support;

/// <summary>A program left running with its output captured, to signal while it runs and to wait for; killed with its children when disposed.</summary>
public sealed class RunningProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly object _gate = new();

    private RunningProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public string StdOut
    {
        get
        {
            lock (_gate)
            {
                return _stdout.ToString();
            }
        }
    }

    public string StdErr
    {
        get
        {
            lock (_gate)
            {
                return _stderr.ToString();
            }
        }
    }

    public static RunningProcess Start(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string? workingDirectory = null)
    {
        var start = ProcessRun.StartInfo(fileName, arguments, workingDirectory, environment);

        var running = new RunningProcess(new Process { StartInfo = start });
        running._process.OutputDataReceived += (_, e) => running.Append(running._stdout, e.Data);
        running._process.ErrorDataReceived += (_, e) => running.Append(running._stderr, e.Data);
        running._process.Start();
        running._process.StandardInput.Close();
        running._process.BeginOutputReadLine();
        running._process.BeginErrorReadLine();
        return running;
    }

    /// <summary>Waits until a line of stdout starts with <paramref name="prefix"/>, and returns that line.</summary>
    public async Task<string> WaitForLineAsync(string prefix, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            var line = StdOut.Split('\n').FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
            if (line is not null)
            {
                return line;
            }

            if (_process.HasExited)
            {
                await _process.WaitForExitAsync(CancellationToken.None);
                throw new InvalidOperationException($"exited ({_process.ExitCode}) before printing '{prefix}':\n{this}");
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no line starting '{prefix}' in time:\n{this}");
            }
        }
    }

    /// <summary>Sends a signal (TERM, INT, KILL, ...) to the process, as <c>kill -SIGNAL</c> does.</summary>
    public async Task SignalAsync(string signal)
    {
        var sent = await ProcessRun.RunAsync("kill", [$"-{signal}", Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.True(sent.ExitCode == 0, sent.ToString());
    }

    /// <summary>Waits for the process to end, and returns its exit code; throws if it outlives the timeout.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"still running:\n{this}");
        }

        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }

        _process.Dispose();
    }

    public override string ToString() => $"stdout:\n{StdOut}\nstderr:\n{StdErr}";

    private void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            output.Append(line).Append('\n');
        }
    }
}
