using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Api = Licensing.Api;

namespace Licensing.Tests.Support;

public enum FieldKind
{
    Text,
    WholeNumber,
    Flag,
    Timestamp,
    Duration,
    TextList,
    Scope,
    ProductId,
    NewUserKey,
    /// <summary>A field a PATCH may not carry at all (licensingMode, productId, userKey).</summary>
    Unchangeable,
}

public enum Access
{
    Anonymous,
    Client,
    Admin,
}

/// <summary>A body field as the contract reads it: its kind, whether it is required, its bounds.</summary>
public sealed record FieldSpec(string Name, FieldKind Kind, bool Required = false, long Min = 0, long Max = 0);

/// <summary>One property of a raw JSON object: its name and its value as raw JSON bytes (which may be no valid JSON at all).</summary>
public sealed record RawProperty(string Name, byte[] Value);

/// <summary>
/// What the fuzzer knows of one function: who may call it and the body it reads. A function the app gains later has no
/// entry: it is still fuzzed, with every answer allowed to succeed.
/// </summary>
public sealed record EndpointContract(Access Access, IReadOnlyList<FieldSpec> Fields, Func<FuzzLicense, Random, List<RawProperty>>? ValidBody)
{
    public bool ReadsBody => ValidBody is not null;

    private static readonly FieldSpec[] ByUserKey =
    [
        new("userKey", FieldKind.Text, Required: true, Max: 128), new("machineId", FieldKind.Text, Required: true, Max: 256),
        new("clientId", FieldKind.Text, Max: 256), new("clientName", FieldKind.Text, Max: 256), new("licenseToken", FieldKind.Text, Max: Licensing.Seats.ClientCall.TokenMax),
    ];

    private static readonly FieldSpec[] ByToken =
    [
        new("licenseToken", FieldKind.Text, Required: true, Max: Licensing.Seats.ClientCall.TokenMax), new("machineId", FieldKind.Text, Required: true, Max: 256),
        new("clientId", FieldKind.Text, Max: 256), new("clientName", FieldKind.Text, Max: 256), new("userKey", FieldKind.Text, Max: 128),
    ];

    private static readonly FieldSpec[] BorrowFields =
    [
        .. ByToken, new("borrowFor", FieldKind.Duration, Required: true, Min: 1, Max: 3_153_600_000),
    ];

    /// <summary>The usage call's fields with a contract kind; meter and eventId have patterns of their own (MeteringBadInputTests).</summary>
    private static readonly FieldSpec[] UsageFields =
    [
        new("userKey", FieldKind.Text, Required: true, Max: 128), new("machineId", FieldKind.Text, Required: true, Max: 256),
        new("amount", FieldKind.WholeNumber, Required: true, Min: 1, Max: 1_000_000),
    ];

    private static readonly FieldSpec[] LicenseFields =
    [
        new("expireAt", FieldKind.Timestamp), new("supportExpireAt", FieldKind.Timestamp), new("heartbeatInterval", FieldKind.Duration, Min: 1, Max: 86_400),
        new("gracePeriod", FieldKind.Duration, Min: 0, Max: 7_776_000), new("maxBorrowDuration", FieldKind.Duration, Min: 0, Max: 7_776_000),
        new("customerName", FieldKind.Text, Max: 256), new("features", FieldKind.TextList, Max: 64),
        new("overageSeats", FieldKind.WholeNumber, Min: 0, Max: 100_000), new("maxTransfers", FieldKind.WholeNumber, Min: 0, Max: 1000),
        new("portal", FieldKind.Flag),
    ];

    private static readonly FieldSpec[] CreateLicenseFields =
    [
        .. LicenseFields,
        new("licensingMode", FieldKind.WholeNumber, Required: true, Min: 0, Max: 2),
        new("maxClientCount", FieldKind.WholeNumber, Required: true, Min: 1, Max: 100_000),
        new("productId", FieldKind.ProductId), new("userKey", FieldKind.NewUserKey),
    ];

    private static readonly FieldSpec[] PatchLicenseFields =
    [
        .. LicenseFields,
        new("maxClientCount", FieldKind.WholeNumber, Min: 1, Max: 100_000),
        new("suspended", FieldKind.Flag), new("revoked", FieldKind.Flag),
        new("licensingMode", FieldKind.Unchangeable), new("productId", FieldKind.Unchangeable), new("userKey", FieldKind.Unchangeable),
    ];

    private static readonly FieldSpec[] OfflineRequestFields = [new("request", FieldKind.Text, Required: true, Max: Licensing.Offline.OfflineTexts.MaxTextLength)];

    private static readonly FieldSpec[] OfflineProofFields = [new("proof", FieldKind.Text, Required: true, Max: Licensing.Offline.OfflineTexts.MaxTextLength)];

    private static readonly FieldSpec[] RevokeFields = [new("licenseToken", FieldKind.Text, Max: Licensing.Seats.ClientCall.TokenMax), new("token", FieldKind.Text, Max: 64)];

    private static readonly FieldSpec[] ApiKeyFields =
    [
        new("name", FieldKind.Text, Required: true, Max: 128), new("scope", FieldKind.Scope, Required: true), new("productId", FieldKind.ProductId),
    ];

    private static readonly Dictionary<string, EndpointContract> Known = new(StringComparer.Ordinal)
    {
        [nameof(Api.Activate)] = new(Access.Client, ByUserKey, UserKeyBody),
        [nameof(Api.Deactivate)] = new(Access.Client, ByUserKey, UserKeyBody),
        [nameof(Api.RequestLicense)] = new(Access.Client, ByUserKey, UserKeyBody),
        [nameof(Api.Validate)] = new(Access.Client, ByUserKey, UserKeyBody),
        [nameof(Api.Info)] = new(Access.Client, ByUserKey, UserKeyBody),
        [nameof(Api.Heartbeat)] = new(Access.Client, ByToken, TokenBody),
        [nameof(Api.Release)] = new(Access.Client, ByToken, TokenBody),
        [nameof(Api.Borrow)] = new(Access.Client, BorrowFields, BorrowBody),
        [nameof(Api.OfflineActivate)] = new(Access.Client, OfflineRequestFields, OfflineRequestBody),
        [nameof(Api.OfflineDeactivate)] = new(Access.Client, OfflineProofFields, OfflineProofBody),
        [nameof(Api.RecordUsage)] = new(Access.Client, UsageFields, UsageBody),
        [nameof(Api.ResetMeter)] = new(Access.Admin, [], null),
        [nameof(Api.Jwks)] = new(Access.Anonymous, [], null),
        [nameof(Api.CreateLicense)] = new(Access.Admin, CreateLicenseFields, CreateLicenseBody),
        [nameof(Api.ListLicenses)] = new(Access.Admin, [], null),
        [nameof(Api.GetLicense)] = new(Access.Admin, [], null),
        [nameof(Api.UpdateLicense)] = new(Access.Admin, PatchLicenseFields, PatchLicenseBody),
        [nameof(Api.DeleteLicense)] = new(Access.Admin, [], null),
        [nameof(Api.RevokeToken)] = new(Access.Admin, RevokeFields, RevokeBody),
        [nameof(Api.CreateApiKey)] = new(Access.Admin, ApiKeyFields, ApiKeyBody),
        [nameof(Api.ListApiKeys)] = new(Access.Admin, [], null),
        [nameof(Api.DeleteApiKey)] = new(Access.Admin, [], null),
        [nameof(Api.WhoAmI)] = new(Access.Admin, [], null),
        [nameof(Api.PortalSignIn)] = new(Access.Anonymous, [new("userKey", FieldKind.Text, Required: true, Max: 128)], SignInBody),
        [Api.Fallback.FunctionName] = new(Access.Anonymous, [], null),
    };

    /// <summary>Every field name of the contract, for functions the fuzzer does not know.</summary>
    public static IReadOnlyList<FieldSpec> AllFields { get; } =
        Known.Values.SelectMany(c => c.Fields).DistinctBy(f => f.Name).ToArray();

    public static EndpointContract? For(string functionName) => Known.GetValueOrDefault(functionName);

    private static List<RawProperty> UserKeyBody(FuzzLicense license, Random random)
    {
        var body = new List<RawProperty> { new("userKey", Json.Text(license.UserKey)), new("machineId", Json.Text($"fuzz-machine-{random.Next(20)}")) };
        if (random.Next(2) == 0)
        {
            body.Add(new("clientId", Json.Text($"fuzz-client-{random.Next(5)}")));
        }

        if (random.Next(2) == 0)
        {
            body.Add(new("clientName", Json.Text("Fuzz client")));
        }

        return body;
    }

    /// <summary>A request made at the test clock's start (the fuzzed server's clock never runs behind it).</summary>
    private static List<RawProperty> OfflineRequestBody(FuzzLicense license, Random random) =>
        [new("request", Json.Text(OfflineWire.Request(license.UserKey, $"fuzz-machine-{random.Next(20)}", OfflineWire.NewRequestId(), TestClock.StartsAt)))];

    /// <summary>The proof of the license's offline activation where it has one; else a well-formed proof of an answer that never was.</summary>
    private static List<RawProperty> OfflineProofBody(FuzzLicense license, Random random) =>
        [new("proof", Json.Text(license.OfflineResponse is { } response
            ? OfflineWire.Proof(response, TestClock.StartsAt)
            : OfflineWire.ProofWithoutAnswer(license.LicenseId, license.MachineId, TestClock.StartsAt)))];

    private static List<RawProperty> SignInBody(FuzzLicense license, Random random) => [new("userKey", Json.Text(license.UserKey))];

    private static List<RawProperty> TokenBody(FuzzLicense license, Random random) =>
        [new("licenseToken", Json.Text(license.Token ?? "no-token")), new("machineId", Json.Text(license.MachineId))];

    private static List<RawProperty> BorrowBody(FuzzLicense license, Random random) =>
        [.. TokenBody(license, random), new("borrowFor", Json.Raw($"{{\"seconds\": {1 + random.Next(7200)}, \"nanos\": 0}}"))];

    private static List<RawProperty> UsageBody(FuzzLicense license, Random random) =>
    [
        new("userKey", Json.Text(license.UserKey)), new("machineId", Json.Text($"fuzz-machine-{random.Next(20)}")),
        new("meter", Json.Text("exports")), new("amount", Json.Raw((1 + random.Next(10)).ToString(System.Globalization.CultureInfo.InvariantCulture))),
        new("eventId", Json.Text($"fuzz-{random.Next(1000)}")),
    ];

    private static List<RawProperty> CreateLicenseBody(FuzzLicense license, Random random)
    {
        var body = new List<RawProperty>
        {
            new("licensingMode", Json.Raw(random.Next(3).ToString(System.Globalization.CultureInfo.InvariantCulture))),
            new("maxClientCount", Json.Raw((1 + random.Next(10)).ToString(System.Globalization.CultureInfo.InvariantCulture))),
            new("heartbeatInterval", Json.Raw("{\"seconds\": 60, \"nanos\": 0}")),
        };
        if (random.Next(2) == 0)
        {
            body.Add(new("expireAt", Json.Raw("{\"seconds\": 4102444800, \"nanos\": 0}")));
            body.Add(new("customerName", Json.Text("Fuzz Ltd")));
            body.Add(new("features", Json.Raw("[\"pro\", \"sso\"]")));
            body.Add(new("maxBorrowDuration", Json.Raw("{\"seconds\": 3600, \"nanos\": 0}")));
            body.Add(new("gracePeriod", Json.Raw("{\"seconds\": 600, \"nanos\": 0}")));
        }

        return body;
    }

    private static List<RawProperty> PatchLicenseBody(FuzzLicense license, Random random) => random.Next(3) switch
    {
        0 => [new("customerName", Json.Text("Patched by the fuzzer"))],
        1 => [new("maxClientCount", Json.Raw("50")), new("features", Json.Raw("[\"pro\"]"))],
        _ => [new("heartbeatInterval", Json.Raw("{\"seconds\": 120, \"nanos\": 0}")), new("suspended", Json.Raw("false"))],
    };

    private static List<RawProperty> RevokeBody(FuzzLicense license, Random random) =>
        random.Next(2) == 0 && license.TokenId is not null
            ? [new("token", Json.Text(license.TokenId))]
            : [new("licenseToken", Json.Text(license.Token ?? "no-token"))];

    private static List<RawProperty> ApiKeyBody(FuzzLicense license, Random random) =>
        [new("name", Json.Text("fuzz-key")), new("scope", Json.Text(random.Next(2) == 0 ? "client" : "admin"))];
}

/// <summary>Raw JSON pieces, so a body can hold what no serializer writes (1e400, "\ud800", invalid UTF-8).</summary>
public static class Json
{
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Raw(string json) => Encoding.UTF8.GetBytes(json);

    /// <summary>A JSON string of valid text, non-ASCII written as UTF-8 rather than escaped.</summary>
    public static byte[] Text(string value) => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(value, Relaxed));

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    /// <summary>The properties as a JSON object, in order, duplicates kept.</summary>
    public static byte[] ObjectOf(IEnumerable<RawProperty> properties)
    {
        using var stream = new MemoryStream();
        stream.WriteByte((byte)'{');
        var first = true;
        foreach (var property in properties)
        {
            if (!first)
            {
                stream.WriteByte((byte)',');
            }

            first = false;
            stream.Write(Text(property.Name));
            stream.WriteByte((byte)':');
            stream.Write(property.Value);
        }

        stream.WriteByte((byte)'}');
        return stream.ToArray();
    }
}
