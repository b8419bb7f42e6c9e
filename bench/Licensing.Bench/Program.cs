using Licensing.Bench;

// Wiring only: parse the command line, run the plan, map failures to one line and an exit code.
//   0 done · 1 unexpected failure or soak violations · 2 bad input or an environment that cannot run the bench · 130 interrupted
using var stop = new CancellationTokenSource();
using var onInt = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, Interrupt);
using var onTerm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, Interrupt);

try
{
    return await BenchCommandLine.RunAsync(args, options => BenchPlan.RunAsync(options, stop.Token));
}
catch (BenchUsageException ex)
{
    await Console.Error.WriteLineAsync("bench: " + ex.Message);
    return 2;
}
catch (SoakViolationsException ex)
{
    await Console.Error.WriteLineAsync("bench: " + ex.Message);
    return 1;
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    await Console.Error.WriteLineAsync("bench: interrupted; everything it started is stopped");
    return 130;
}
#pragma warning disable CA1031 // The last line of defence: one line on stderr, never a stack trace wall.
catch (Exception ex)
#pragma warning restore CA1031
{
    await Console.Error.WriteLineAsync($"bench: failed: {ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")}");
    return 1;
}

void Interrupt(System.Runtime.InteropServices.PosixSignalContext context)
{
    if (stop.IsCancellationRequested)
    {
        return; // A second Ctrl-C terminates at once; the exit handlers still stop Azurite.
    }

    context.Cancel = true;
    Console.Error.WriteLine("bench: stopping (Ctrl-C again to force)...");
    stop.Cancel();
}
