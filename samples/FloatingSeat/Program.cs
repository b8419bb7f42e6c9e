// FloatingSeat: an app that holds one floating seat of a license while it runs and gives it back when it stops.
//
//   export LICENSING_URL=http://127.0.0.1:7071     # your licensing server
//   export LICENSING_API_KEY=lk_...                 # a client-scoped API key
//   export LICENSING_USER_KEY=XXXXX-XXXXX-...       # the customer's floating license (licensingMode 2)
//   dotnet run --project samples/FloatingSeat       # Ctrl-C (or SIGTERM) to stop
//
// The keys come from the server's admin API (see the README's set-up): LICENSING_API_KEY is a key created with
// "scope": "client", LICENSING_USER_KEY the userKey of a license created with "licensingMode": 2.
using System.Runtime.InteropServices;
using Licensing.Client;

var url = Environment.GetEnvironmentVariable("LICENSING_URL");
var apiKey = Environment.GetEnvironmentVariable("LICENSING_API_KEY");
var userKey = Environment.GetEnvironmentVariable("LICENSING_USER_KEY");
if (string.IsNullOrEmpty(url) || string.IsNullOrEmpty(apiKey) || string.IsNullOrEmpty(userKey))
{
    Console.Error.WriteLine("Set LICENSING_URL, LICENSING_API_KEY and LICENSING_USER_KEY.");
    return 2;
}

// A stable id for this machine: a salted hash (use your own salt), the same for all your apps on it.
var machineId = MachineIdentity.Get("sample-vendor");

// One seat per (machine, client): a second copy of the app on the same machine would use another client id.
var identity = new ClientIdentity(userKey, machineId, clientId: "floating-sample", clientName: Environment.MachineName);

// Ctrl-C (SIGINT) and SIGTERM, which systemd, Docker and Kubernetes send, stop the app gracefully instead of killing
// it, so the seat is released below rather than held until it lapses.
using var stop = new CancellationTokenSource();
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

using var client = new LicensingClient(new Uri(url), apiKey);
try
{
    // Checks out a seat and keeps it: the lease heartbeats in the background at the server's interval.
    // Disposing it (the end of the await using block) releases the seat at once, so someone else can take it.
    var lease = await client.AcquireLeaseAsync(identity, cancellationToken: stop.Token);
    await using (lease)
    {
        Console.WriteLine($"Seat granted on license {lease.LicenseId}: heartbeat every {lease.HeartbeatInterval.TotalSeconds:0} s, " +
            $"held until {lease.TokenExpireAt:u} unless renewed. State: {lease.State}. Ctrl-C to stop.");

        // Raised if the seat is gone for good (revoked by an admin, license suspended, lapsed while offline):
        // a real app would save its work and stop using the licensed features here.
        lease.Lost += (_, e) =>
        {
            Console.WriteLine($"Seat lost ({e.Reason}): {e.Message}");
            stop.Cancel();
        };

        // The app's own work goes here; this sample just reports the lease's heartbeats, once a second.
        var heartbeats = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), stop.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            if (lease.Heartbeats != heartbeats)
            {
                heartbeats = lease.Heartbeats;
                Console.WriteLine($"Heartbeat {heartbeats}: seat held until {lease.TokenExpireAt:u}.");
            }
        }

        Console.WriteLine($"Stopping. State: {lease.State}.");
    }

    // Released if the app gave the seat back, Lost if the server had already ended it.
    Console.WriteLine($"Stopped. State: {lease.State}.");
    return lease.State == LeaseState.Lost ? 1 : 0;
}
catch (LicensingException ex) when (ex.Kind == LicensingErrorKind.Denied)
{
    // The server said no: every seat is taken, the license is suspended, expired, ...
    Console.Error.WriteLine($"No seat ({ex.Reason}): {ex.Message}");
    return 1;
}
catch (LicensingException ex)
{
    // No answer the app can use: the server is unreachable, the key is wrong, ...
    Console.Error.WriteLine($"Could not ask for a seat ({ex.Kind}): {ex.Message}");
    return 3;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("Stopped before a seat was granted.");
    return 130;
}

void Stop(PosixSignalContext signal)
{
    signal.Cancel = true;
    stop.Cancel();
}
