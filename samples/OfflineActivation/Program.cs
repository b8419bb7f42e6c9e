// OfflineActivation: activate this machine once while online, keep the signed license on disk, and keep working
// from that copy without a network for a grace period.
//
//   export LICENSING_URL=http://127.0.0.1:7071     # your licensing server
//   export LICENSING_API_KEY=lk_...                 # a client-scoped API key
//   export LICENSING_USER_KEY=XXXXX-XXXXX-...       # the customer's activation license (licensingMode 1)
//   dotnet run --project samples/OfflineActivation                # online: activate, verify, save
//   dotnet run --project samples/OfflineActivation -- --offline   # offline: load the saved copy
//   dotnet run --project samples/OfflineActivation -- --deactivate  # give this machine's seat back
//
// The keys come from the server's admin API (see the README's set-up): LICENSING_API_KEY is a key created with
// "scope": "client", LICENSING_USER_KEY the userKey of a license created with "licensingMode": 1.
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Licensing.Client;

// How long the app trusts the last license the server vouched for, without hearing from it again.
var gracePeriod = TimeSpan.FromDays(14);

// Where this app keeps its copy of the license (LICENSING_CACHE_DIR overrides it).
var folder = Environment.GetEnvironmentVariable("LICENSING_CACHE_DIR") is { Length: > 0 } dir
    ? dir
    : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "sample-vendor");
var licenseFile = Path.Combine(folder, "license.jws");
var cache = new OfflineLicenseCache(licenseFile);

// The server's public keys, which check the license's signature offline. A real app should ship them inside
// itself (they are public): a copy saved next to the license, as here, could be swapped by whoever can edit it.
var keysFile = Path.Combine(folder, "keys.json");

if (args.Contains("--offline"))
{
    // No network: only the saved copy. It must carry the server's signature and be at most gracePeriod old.
    if (!File.Exists(keysFile))
    {
        Console.Error.WriteLine("No saved license: run once online first.");
        return 1;
    }

    var verifier = LicenseVerifier.FromJwks(File.ReadAllText(keysFile));
    var saved = cache.TryLoad(verifier, gracePeriod);
    if (saved is null)
    {
        Console.Error.WriteLine($"No usable saved license (none, altered, or not vouched for in the last {gracePeriod.TotalDays:0} days): go online to renew it.");
        return 1;
    }

    Console.WriteLine($"Offline: using the license saved on {saved.IssuedAt:u}, valid offline until {saved.IssuedAt + gracePeriod:u}.");
    PrintTerms(saved);
    return 0;
}

var url = Environment.GetEnvironmentVariable("LICENSING_URL");
var apiKey = Environment.GetEnvironmentVariable("LICENSING_API_KEY");
var userKey = Environment.GetEnvironmentVariable("LICENSING_USER_KEY");
if (string.IsNullOrEmpty(url) || string.IsNullOrEmpty(apiKey) || string.IsNullOrEmpty(userKey))
{
    Console.Error.WriteLine("Set LICENSING_URL, LICENSING_API_KEY and LICENSING_USER_KEY (or pass --offline).");
    return 2;
}

// Ctrl-C (SIGINT) and SIGTERM end the call under way instead of killing the process mid-write.
using var stop = new CancellationTokenSource();
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

using var client = new LicensingClient(new Uri(url), apiKey);
var identity = new ClientIdentity(userKey, MachineIdentity.Get("sample-vendor"), clientName: Environment.MachineName);
try
{
    if (args.Contains("--deactivate"))
    {
        // An activation holds its seat until it is given back: this frees it for another machine.
        var seats = await client.DeactivateAsync(identity, stop.Token);
        File.Delete(licenseFile);
        Console.WriteLine($"Deactivated: {seats.ActiveClientCount} of {seats.MaxClientCount} seats in use.");
        return 0;
    }

    // Binds this machine to the license (takes a seat the first time; running it again takes no new one).
    var activation = await client.ActivateAsync(identity, stop.Token);
    if (!activation.Success || activation.License is null)
    {
        Console.Error.WriteLine($"Not activated ({activation.ReasonCode}): {activation.Message}");
        return 1;
    }

    Console.WriteLine($"Activated: {activation.ActiveClientCount} of {activation.MaxClientCount} seats in use.");

    // Check the signed license document with the server's published keys before trusting it.
    var verifier = await client.GetVerifierAsync(cancellationToken: stop.Token);
    var license = verifier.VerifyDocument(activation.License.LicenseKey);

    // Keep the document (and the keys that check it) for the days without a network.
    cache.Save(activation.License.LicenseKey);
    File.WriteAllText(keysFile, JsonSerializer.Serialize(await client.GetKeysAsync(stop.Token), JsonSerializerOptions.Web));
    Console.WriteLine($"Verified and saved to {folder}.");
    PrintTerms(license);
    return 0;
}
catch (LicensingException ex)
{
    // Unreachable, a wrong key, or a document that does not verify (ex.Kind says which).
    Console.Error.WriteLine($"Activation failed ({ex.Kind}): {ex.Message}");
    return 3;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("Stopped.");
    return 130;
}

void Stop(PosixSignalContext signal)
{
    signal.Cancel = true;
    stop.Cancel();
}

static void PrintTerms(VerifiedLicense license)
{
    Console.WriteLine($"  license:  {license.LicenseId} (product {license.ProductId}, {license.LicensingMode})");
    Console.WriteLine($"  customer: {license.CustomerName ?? "-"}");
    Console.WriteLine($"  seats:    {license.MaxClientCount}");
    Console.WriteLine($"  expires:  {Date(license.ExpireAt) ?? "never"}");
    Console.WriteLine($"  support:  {Date(license.SupportExpireAt) ?? "-"}");
    Console.WriteLine($"  features: {(license.Features.Count > 0 ? string.Join(", ", license.Features) : "-")}");
}

static string? Date(DateTimeOffset? date) => date?.ToString("u", CultureInfo.InvariantCulture);
