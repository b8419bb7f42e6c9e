// AirGapped: license a machine that never reaches the server, by request and response. The machine writes an
// activation request; someone carries it (a file, a USB stick, a QR code) to a connected device that sends it to the
// server and carries the signed response back; the machine imports it and works as activated until the response's
// tokenExpireAt, with no network. Deactivating writes a proof that, carried back, frees the seat.
//
//   export LICENSING_URL=http://127.0.0.1:7071     # your licensing server (reached by the connected device only)
//   export LICENSING_API_KEY=lk_...                 # a client-scoped API key (the connected device's)
//   export LICENSING_USER_KEY=XXXXX-XXXXX-...       # the customer's activation license (licensingMode 1)
//   dotnet run --project samples/AirGapped         # the whole round trip, both sides, in one run
//
// The two sides are kept apart below: the air-gapped machine uses OfflineActivation only (no HttpClient); the
// connected device uses LicensingClient. The files between them live in LICENSING_CACHE_DIR (default: a temp folder).
using Licensing.Client;

var userKey = Required("LICENSING_USER_KEY");
var folder = Environment.GetEnvironmentVariable("LICENSING_CACHE_DIR") is { Length: > 0 } dir
    ? dir
    : Directory.CreateTempSubdirectory("airgapped-").FullName;
Directory.CreateDirectory(folder);

// The connected device: the server's public keys, which a real app ships inside itself (they are public).
using var connected = new LicensingClient(new HttpClient(), new LicensingClientOptions
{
    BaseAddress = new Uri(Required("LICENSING_URL")),
    ApiKey = Required("LICENSING_API_KEY"),
});
var shippedKeys = (await connected.GetKeysAsync()).ToJson();

// The air-gapped machine: its cache, the keys it ships, its id.
var machine = new OfflineActivation(
    new OfflineLicenseCache(Path.Combine(folder, "license.jws")),
    LicenseVerifier.FromJwks(shippedKeys),
    machineId: MachineIdentity.Get("sample-vendor"));

// 1. The machine writes its request.
var requestFile = Path.Combine(folder, "activation.lsreq");
File.WriteAllText(requestFile, machine.CreateRequest(userKey, clientName: "Air-gapped lab PC"));
Console.WriteLine($"Request written to {requestFile}");

// 2. The connected device sends it and writes the response back.
var answer = await connected.ActivateOfflineAsync(File.ReadAllText(requestFile));
if (!answer.Success)
{
    Console.Error.WriteLine($"The server refused the request: {answer.ReasonCode}: {answer.Message}");
    return 1;
}

var responseFile = Path.Combine(folder, "activation.lsres");
File.WriteAllText(responseFile, answer.Response);

// 3. The machine imports the response, and from then on loads it at every start, offline.
var imported = machine.ImportResponse(File.ReadAllText(responseFile));
Console.WriteLine($"Activated on license {imported.LicenseId} until {imported.TokenExpireAt:u}");
var atStart = machine.TryLoad() ?? throw new InvalidOperationException("The imported activation did not load.");
Console.WriteLine($"Working offline; entitlements: {string.Join(", ", atStart.Entitlements.Select(e => e.Code).DefaultIfEmpty("(none)"))}");

// 4. The machine gives its seat back: it deletes the activation and shows the proof, which the connected device sends.
var proofFile = Path.Combine(folder, "deactivation.lsdea");
File.WriteAllText(proofFile, machine.Deactivate());
var freed = await connected.DeactivateOfflineAsync(File.ReadAllText(proofFile));
if (!freed.Success)
{
    Console.Error.WriteLine($"The server refused the proof: {freed.ReasonCode}: {freed.Message}");
    return 1;
}

Console.WriteLine($"Deactivated: {freed.ActiveClientCount} of {freed.MaxClientCount} seats in use.");
return 0;

static string Required(string name) =>
    Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : throw new InvalidOperationException($"Set {name} (see the top of Program.cs).");
