using System.Text;
using System.Text.RegularExpressions;
using Licensing.Api;

namespace Licensing.Tests.Support;

/// <summary>
/// A license the fuzzer names: its ids, its mode and, where it has one, a live seat's machine, bearer token, public token
/// id and the license document (its ASCII) that came with the seat.
/// </summary>
/// <param name="OfflineResponse">An activation license's offline response (<c>lsres1.</c>) for its machine.</param>
public sealed record FuzzLicense(string LicenseId, string UserKey, int Mode, string MachineId, string? Token, string? TokenId, string? Document, string? OfflineResponse = null);

/// <summary>
/// The real things requests name. <see cref="Guarded"/> ones appear only in requests built to be refused, so their rows
/// must come out of the run unchanged; requests that may succeed name <see cref="Playground"/> ones (and delete
/// <see cref="Expendable"/> ones and the decoy keys).
/// </summary>
public sealed record FuzzTargets(
    IReadOnlyList<FuzzLicense> Guarded,
    IReadOnlyList<FuzzLicense> Playground,
    IReadOnlyList<FuzzLicense> Expendable,
    string GuardedApiKeyId,
    IReadOnlyList<string> DecoyApiKeyIds,
    string ClientKey,
    string AdminKey);

/// <summary>One generated request and what the fuzzer expects of it.</summary>
public sealed class FuzzRequest
{
    public required int Index { get; init; }
    public required HttpFunction Function { get; init; }
    public required string Method { get; init; }
    public required string PathAndQuery { get; init; }
    public required string Case { get; set; }
    public List<KeyValuePair<string, string>> Headers { get; } = [];
    public string? ContentType { get; set; }
    public byte[]? Body { get; set; }
    public bool Chunked { get; set; }

    /// <summary>Built so that the contract refuses it: it must not answer 2xx.</summary>
    public bool MustBeRefused { get; set; }

    /// <summary>A refusal may also be a 200 whose outcome flag says no (heartbeat's active false): the call's own way to refuse a token.</summary>
    public bool DenialRefuses { get; set; }

    /// <summary>
    /// Statuses the web host itself may answer, with an empty body, before any function runs: for oversized headers,
    /// a request target holding a NUL, or a method no function declares.
    /// </summary>
    public IReadOnlyList<int> HostMayAnswer { get; set; } = [];

    /// <summary>The licenses and API keys it names, which an accepted call may change.</summary>
    public HashSet<string> NamedLicenseIds { get; } = new(StringComparer.Ordinal);
    public HashSet<string> NamedApiKeyIds { get; } = new(StringComparer.Ordinal);

    public override string ToString()
    {
        var path = PathAndQuery.Length > 160 ? PathAndQuery[..160] + "…" : PathAndQuery;
        var body = Body is null ? "no body" : $"{Body.Length} bytes{(Chunked ? " chunked" : "")}: {Excerpt(Body)}";
        return $"#{Index} {Method} /{path} ({Function.Name}; {Case}; content type {ContentType ?? "none"}; {body})";
    }

    private static string Excerpt(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 200));
        return new string(text.Select(c => char.IsControl(c) ? '·' : c).ToArray()) + (body.Length > 200 ? "…" : "");
    }
}

/// <summary>
/// Builds request number i of a run from the seed alone, so one request can be replayed: a weighted mix of refused
/// credentials, wrong methods, hostile route values, broken bodies, wrong field values, oversized headers, and odd but
/// valid requests, over every HTTP function the app declares.
/// </summary>
public sealed partial class FuzzRequestGenerator(IReadOnlyList<HttpFunction> functions, FuzzTargets targets, int seed)
{
    private static readonly string[] AllMethods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "PURGE"];

    private enum Category
    {
        Benign,
        Credentials,
        Method,
        RouteValue,
        Protocol,
        Structure,
        Field,
        TokenSwap,
    }

    private static readonly (Category Category, int Weight)[] Weights =
    [
        (Category.Benign, 16), (Category.Credentials, 12), (Category.Method, 7), (Category.RouteValue, 8),
        (Category.Protocol, 3), (Category.Structure, 25), (Category.Field, 25), (Category.TokenSwap, 4),
    ];

    public FuzzRequest Create(int index)
    {
        var random = new Random(unchecked((seed * 1_000_003) ^ index));
        var function = FuzzValues.Pick(random, functions);
        var contract = EndpointContract.For(function.Name);
        var category = PickCategory(random);
        if (category == Category.RouteValue && !RouteParameter().IsMatch(function.Route))
        {
            category = Category.Field;
        }

        if (category == Category.TokenSwap && !FuzzTokenSwaps.Takes(function.Name))
        {
            category = Category.Field;
        }

        if (category == Category.Field && contract?.ReadsBody != true)
        {
            category = Category.Structure;
        }

        var refused = category switch
        {
            Category.Protocol or Category.Method => true,
            Category.Credentials => contract is { Access: not Access.Anonymous },
            Category.RouteValue => contract is not null,
            Category.Structure or Category.Field or Category.TokenSwap => contract?.ReadsBody == true,
            _ => false,
        };
        // An empty route segment changes the route instead of naming nothing: not a refusal by itself.
        var emptySegment = category == Category.RouteValue && random.Next(12) == 0;
        refused &= !emptySegment;
        var isFallback = function.Name == Fallback.FunctionName;
        refused |= isFallback;
        var method = category == Category.Method ? WrongMethod(random, function) : FuzzValues.Pick(random, function.Methods).ToUpperInvariant();
        var license = refused ? FuzzValues.Pick(random, targets.Guarded)
            : method == "DELETE" ? FuzzValues.Pick(random, targets.Expendable)
            : FuzzValues.Pick(random, targets.Playground);

        var named = new List<string>();
        var path = FillRoute(random, function, license, refused, category == Category.RouteValue, emptySegment, isFallback, named);

        if (random.Next(8) == 0)
        {
            path += "?" + FuzzValues.Pick(random, FuzzValues.GarbageQueries);
        }

        var request = new FuzzRequest { Index = index, Function = function, Method = method, PathAndQuery = path, Case = category.ToString() };
        request.MustBeRefused = refused;
        request.HostMayAnswer = HostRefusals(method, path);
        request.NamedLicenseIds.Add(license.LicenseId);
        foreach (var id in named)
        {
            request.NamedApiKeyIds.Add(id);
        }

        var admin = contract?.Access == Access.Admin || function.Route.StartsWith("v1/admin", StringComparison.Ordinal);
        request.Headers.Add(new("x-api-key", admin || random.Next(10) == 0 ? targets.AdminKey : targets.ClientKey));
        var body = contract?.ValidBody?.Invoke(license, random) ?? (random.Next(4) == 0 ? UnknownBody(random, license) : null);
        if (body is not null)
        {
            request.Body = Json.ObjectOf(body);
            request.ContentType = "application/json";
        }

        var description = category switch
        {
            Category.Benign => Benign(random, request, contract, body),
            Category.Credentials => Credentials(random, request, admin),
            Category.Protocol => Protocol(random, request),
            Category.Structure => Structure(random, request, body),
            Category.Field => Field(random, request, contract!, body!),
            Category.TokenSwap => new FuzzTokenSwaps(targets).Swap(random, request, license, body!),
            _ => "",
        };
        AddHarmlessHeaders(random, request);
        request.Case = description.Length == 0 ? category.ToString() : $"{category}: {description}";
        request.Chunked |= request.Body is not null && random.Next(5) == 0;
        return request;
    }

    /// <summary>What the web host answers itself: 405 to a method no function declares, 400 to a NUL in the path, 414 to a path over 8 KiB.</summary>
    private int[] HostRefusals(string method, string path)
    {
        var statuses = new List<int>();
        if (!functions.Any(f => f.Methods.Contains(method, StringComparer.OrdinalIgnoreCase)))
        {
            statuses.Add(405);
        }

        if (path.Split('?')[0].Contains("%00", StringComparison.Ordinal))
        {
            statuses.Add(400);
        }

        if (path.Length > 8000)
        {
            statuses.Add(414);
        }

        return [.. statuses];
    }

    private static Category PickCategory(Random random)
    {
        var roll = random.Next(Weights.Sum(w => w.Weight));
        foreach (var (category, weight) in Weights)
        {
            if (roll < weight)
            {
                return category;
            }

            roll -= weight;
        }

        return Category.Benign;
    }

    /// <summary>A method that no function on this route takes (several functions may share one route).</summary>
    private string WrongMethod(Random random, HttpFunction function)
    {
        var taken = functions.Where(f => f.Route == function.Route).SelectMany(f => f.Methods).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var wrong = AllMethods.Where(m => !taken.Contains(m)).ToArray();
        return wrong.Length == 0 ? "PURGE" : FuzzValues.Pick(random, wrong);
    }

    private string FillRoute(
        Random random, HttpFunction function, FuzzLicense license, bool refused, bool hostile, bool emptySegment, bool isFallback, List<string> apiKeyIds) =>
        RouteParameter().Replace(function.Route, match =>
        {
            var name = match.Groups["name"].Value;
            if (isFallback || match.Groups["catchAll"].Success)
            {
                return FuzzValues.Pick(random, FuzzValues.UnknownPaths);
            }

            if (emptySegment)
            {
                return "";
            }

            if (hostile)
            {
                var value = FuzzValues.Pick(random, FuzzValues.HostileRouteValues);
                return random.Next(4) == 0 ? license.LicenseId + value : value;
            }

            if (name.Equals("licenseId", StringComparison.OrdinalIgnoreCase))
            {
                return license.LicenseId;
            }

            var keyId = refused ? targets.GuardedApiKeyId : FuzzValues.Pick(random, targets.DecoyApiKeyIds);
            apiKeyIds.Add(keyId);
            return keyId;
        });

    private static List<RawProperty> UnknownBody(Random random, FuzzLicense license)
    {
        var body = new List<RawProperty>();
        foreach (var field in EndpointContract.AllFields.Where(_ => random.Next(4) == 0))
        {
            body.Add(new(field.Name, field.Name == "userKey" ? Json.Text(license.UserKey) : Json.Text("fuzz")));
        }

        return body;
    }

    /// <summary>A valid request made odd: unicode text, accepted content type variants, unknown properties, a body just under the limit.</summary>
    private static string Benign(Random random, FuzzRequest request, EndpointContract? contract, List<RawProperty>? body)
    {
        if (body is null)
        {
            return "no body";
        }

        var done = new List<string>();
        var changes = 1 + random.Next(3);
        for (var i = 0; i < changes; i++)
        {
            switch (random.Next(7))
            {
                case 0 when contract is not null:
                    var fields = contract.Fields.Where(f => f.Name != "licenseToken" && f.Kind != FieldKind.Unchangeable).ToArray();
                    if (fields.Length > 0)
                    {
                        var field = FuzzValues.Pick(random, fields);
                        Set(body, field.Name, FuzzValues.EdgeValid(field, random)!);
                        done.Add($"an edge value in {field.Name}");
                    }

                    break;
                case 1:
                    request.ContentType = FuzzValues.Pick(random, FuzzValues.AcceptedContentTypes);
                    done.Add("content type " + request.ContentType);
                    break;
                case 2:
                    body.Add(new("fuzzExtra" + random.Next(100), FuzzValues.Pick(random, ExtraValues)));
                    done.Add("an unknown property");
                    break;
                case 3:
                    for (var p = 0; p < body.Count; p++)
                    {
                        body[p] = body[p] with { Name = random.Next(2) == 0 ? body[p].Name.ToUpperInvariant() : body[p].Name };
                    }

                    done.Add("property names in other cases");
                    break;
                case 4:
                    Pad(body, Licensing.Http.RequestBody.MaxBytes - random.Next(100));
                    done.Add("a body just under the limit");
                    break;
                case 5:
                    request.Chunked = true;
                    done.Add("chunked");
                    break;
                default:
                    done.Add("whitespace around");
                    request.Body = Json.Concat(Json.Raw(" \r\n\t"), Json.ObjectOf(body), Json.Raw("\n "));
                    continue;
            }

            request.Body = Json.ObjectOf(body);
        }

        return string.Join(", ", done);
    }

    private static readonly byte[][] ExtraValues =
    [
        Json.Raw("1e400"), Json.Raw("-0"), Json.Raw("18446744073709551616"), Json.Raw("null"), Json.Raw("[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]"),
        Json.Raw("{\"a\": {\"b\": [1, 2, {\"c\": null}]}}"), Json.Text("🔑"), Json.Raw("\"\\ud800\""),
    ];

    private string Credentials(Random random, FuzzRequest request, bool admin)
    {
        request.Headers.RemoveAll(h => h.Key == "x-api-key");
        switch (random.Next(admin ? 6 : 5))
        {
            case 0:
                return "no API key";
            case 1:
                request.Headers.Add(new("x-api-key", ""));
                return "an empty API key";
            case 2:
                request.Headers.Add(new("x-api-key", FuzzValues.Pick(random, FuzzValues.WrongApiKeys)));
                return "a wrong API key";
            case 3:
                request.Headers.Add(new("x-api-key", targets.ClientKey[..^1] + (targets.ClientKey[^1] == 'a' ? 'b' : 'a')));
                return "a client key with one character changed";
            case 4:
                request.Headers.Add(new("x-api-key", targets.ClientKey));
                request.Headers.Add(new("x-api-key", "wrong-key"));
                return "two API keys";
            default:
                request.Headers.Add(new("x-api-key", targets.ClientKey));
                return "a client key on an admin route";
        }
    }

    private static string Protocol(Random random, FuzzRequest request)
    {
        request.HostMayAnswer = [.. request.HostMayAnswer, 400, 431];
        switch (random.Next(3))
        {
            case 0:
                request.Headers.Add(new("x-fuzz-padding", new string('h', 32 * 1024 + random.Next(32 * 1024))));
                return "a header over 32 KiB";
            case 1:
                request.Headers.RemoveAll(h => h.Key == "x-api-key");
                request.Headers.Add(new("x-api-key", new string('k', 40 * 1024)));
                return "an API key over 32 KiB";
            default:
                request.Headers.RemoveAll(h => h.Key == "x-api-key");
                request.Headers.Add(new("x-api-key", "lk_\u00e9\u00ff\u00fe"));
                return "non-ASCII bytes in the API key header";
        }
    }

    private static string Structure(Random random, FuzzRequest request, List<RawProperty>? body)
    {
        var valid = body is null ? Json.Raw("{}") : Json.ObjectOf(body);
        request.ContentType = "application/json";
        switch (random.Next(13))
        {
            case 0:
                request.Body = FuzzValues.RandomBytes(random, 2048);
                return "random bytes";
            case 1:
                request.Body = valid;
                request.ContentType = FuzzValues.Pick(random, FuzzValues.RefusedContentTypes);
                return "content type " + request.ContentType;
            case 2:
                request.Body = valid;
                request.ContentType = null;
                return "no content type";
            case 3:
                request.Body = valid[..(1 + random.Next(valid.Length - 1))];
                return "truncated JSON";
            case 4:
                request.Body = Json.Concat(valid, Json.Raw(FuzzValues.Pick(random, Trailers)));
                return "trailing garbage";
            case 5:
                request.Body = Json.Raw(FuzzValues.Pick(random, NotObjects)).Concat(random.Next(2) == 0 ? [] : valid).ToArray();
                return "not an object at the root";
            case 6:
                request.Body = random.Next(2) == 0 ? [] : Json.Raw("   ");
                return "an empty body";
            case 7:
                request.Body = Deep(random, body);
                return "JSON nested 10,000 deep";
            case 8:
                var over = new List<RawProperty>(body ?? []);
                Pad(over, Licensing.Http.RequestBody.MaxBytes + 1 + random.Next(4096));
                request.Body = Json.ObjectOf(over);
                request.Chunked = random.Next(2) == 0;
                return "a body over 64 KiB";
            case 9 when body is { Count: > 0 }:
                var duplicate = FuzzValues.Pick(random, body);
                body.Add(duplicate with { Name = random.Next(2) == 0 ? duplicate.Name : duplicate.Name.ToUpperInvariant() });
                request.Body = Json.ObjectOf(body);
                return "a duplicate property " + duplicate.Name;
            case 10:
                request.Body = Json.Concat(Json.Raw("{\""), [0xFF, 0xC0, 0xAF], Json.Raw("\": 1,"), valid[1..]);
                return "invalid UTF-8 in a property name";
            case 11:
                request.Body = Encoding.Unicode.GetBytes(Encoding.UTF8.GetString(valid));
                request.ContentType = random.Next(2) == 0 ? "application/json" : "application/json; charset=utf-16";
                return "a UTF-16 body";
            default:
                request.Body = Json.Concat(valid[..^1], Json.Raw(",\"x\": \""), [0x00, 0x01], Json.Raw("\"}"));
                return "raw control bytes in a string";
        }
    }

    private static readonly string[] Trailers = [" x", "}", ",", "{}", " //", "\u0000", ",{\"a\":1}", "]"];
    private static readonly string[] NotObjects = ["[]", "\"text\"", "42", "null", "true", "[", "1e400"];

    private static byte[] Deep(Random random, List<RawProperty>? body)
    {
        const int depth = 10_000;
        var nested = random.Next(2) == 0
            ? new string('[', depth) + new string(']', depth)
            : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);
        var field = body is { Count: > 0 } ? FuzzValues.Pick(random, body).Name : "userKey";
        var properties = new List<RawProperty>(body ?? []);
        Set(properties, field, Json.Raw(nested));
        return random.Next(3) == 0 ? Json.Raw(nested) : Json.ObjectOf(properties);
    }

    private static string Field(Random random, FuzzRequest request, EndpointContract contract, List<RawProperty> body)
    {
        var changed = new List<string>();
        var count = 1 + (random.Next(4) == 0 ? random.Next(3) : 0);
        for (var i = 0; i < count; i++)
        {
            var field = FuzzValues.Pick(random, contract.Fields);
            var value = FuzzValues.Refused(field, random);
            if (value is null)
            {
                body.RemoveAll(p => p.Name.Equals(field.Name, StringComparison.OrdinalIgnoreCase));
                changed.Add(field.Name + " left out");
            }
            else
            {
                Set(body, field.Name, value);
                changed.Add($"{field.Name} = {Encoding.UTF8.GetString(value[..Math.Min(value.Length, 40)])}");
            }
        }

        request.Body = Json.ObjectOf(body);
        return string.Join(", ", changed);
    }

    /// <summary>Headers no call reads: a bearer token of garbage, a forged forwarded address.</summary>
    private static void AddHarmlessHeaders(Random random, FuzzRequest request)
    {
        if (random.Next(6) == 0)
        {
            request.Headers.Add(new("Authorization", "Bearer " + Convert.ToBase64String(FuzzValues.RandomBytes(random, 96))));
        }

        if (random.Next(10) == 0)
        {
            request.Headers.Add(new("X-Forwarded-For", FuzzValues.Pick(random, ForwardedFor)));
        }
    }

    private static readonly string[] ForwardedFor = ["", ",", "not-an-ip", "999.999.999.999", "::1, 10.0.0.1", new string('9', 80), "127.0.0.1\t", "[::ffff:1.2.3.4]:80"];

    /// <summary>Adds a padding property so the body is exactly <paramref name="length"/> bytes.</summary>
    private static void Pad(List<RawProperty> body, int length)
    {
        body.Add(new("fuzzPadding", Json.Text("")));
        var missing = length - Json.ObjectOf(body).Length;
        body[^1] = new("fuzzPadding", Json.Text(new string('p', Math.Max(0, missing))));
    }

    private static void Set(List<RawProperty> body, string name, byte[] value)
    {
        var at = body.FindIndex(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
        if (at >= 0)
        {
            body[at] = new RawProperty(name, value);
        }
        else
        {
            body.Add(new RawProperty(name, value));
        }
    }

    [GeneratedRegex(@"\{(?<catchAll>\*)?(?<name>[A-Za-z0-9_]+)[^}]*\}")]
    private static partial Regex RouteParameter();
}
