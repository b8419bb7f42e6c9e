using System.Globalization;
using System.Text;

namespace Licensing.Tests.Support;

/// <summary>
/// The values the fuzzer draws from: per field kind, values the contract must refuse; and values that are odd but
/// valid (unicode text, accepted content types), which may succeed.
/// </summary>
public static class FuzzValues
{
    private static readonly byte[] Quote = [(byte)'"'];

    /// <summary>Not a string, or no text: refused wherever a string is read.</summary>
    private static readonly byte[][] NotText =
    [
        Json.Raw("42"), Json.Raw("true"), Json.Raw("{}"), Json.Raw("[\"a\"]"), Json.Raw("1e400"), Json.Raw("-0"),
        Json.Raw("\"\\ud800\""), Json.Raw("\"a\\udc00b\""), Json.Raw("\"\\ud83d\""), Json.Raw("\"x\\ud800\\ud800\""),
        Json.Concat(Quote, [0xFF, 0xFE], Quote), // invalid UTF-8
        Json.Concat(Quote, [0xC0, 0xAF], Quote), // overlong '/'
        Json.Concat(Quote, [0xE0, 0x80, 0xAF], Quote), // overlong '/' in three bytes
        Json.Concat(Quote, [0xED, 0xA0, 0x80], Quote), // a surrogate encoded as UTF-8
        Json.Concat(Quote, Encoding.UTF8.GetBytes("ab"), [0xC3], Quote), // truncated sequence
        Json.Concat(Quote, [(byte)'a', 0x00, (byte)'b'], Quote), // a raw NUL inside a string
    ];

    private static readonly byte[][] Blank = [Json.Raw("null"), Json.Raw("\"\""), Json.Raw("\"   \""), Json.Raw("\"\\t\\n\""), Json.Raw("\"\\u00a0\"")];

    private static readonly byte[][] NotWholeNumber =
    [
        Json.Raw("\"1\""), Json.Raw("true"), Json.Raw("{}"), Json.Raw("[1]"), Json.Raw("1e400"), Json.Raw("-1e400"),
        Json.Raw("9223372036854775808"), Json.Raw("18446744073709551616"), Json.Raw("-9223372036854775809"),
        Json.Raw("1.5"), Json.Raw("0.1"), Json.Raw("-1"), Json.Raw("-100"), Json.Raw("2147483648"), Json.Raw("-2147483649"), Json.Raw("\"\\ud800\""),
    ];

    private static readonly byte[][] NotFlag = [Json.Raw("\"true\""), Json.Raw("1"), Json.Raw("0"), Json.Raw("{}"), Json.Raw("[]"), Json.Raw("\"false\"")];

    private static readonly byte[][] NotTimestamp =
    [
        Json.Raw("42"), Json.Raw("[]"), Json.Raw("true"), Json.Raw("{}"), Json.Raw("\"not a date\""), Json.Raw("\"2030-13-45T00:00:00Z\""),
        Json.Raw("\"\\ud800\""), Json.Raw("{\"seconds\": 1e400}"), Json.Raw("{\"seconds\": -1}"), Json.Raw("{\"seconds\": 1.5}"),
        Json.Raw("{\"seconds\": \"1\"}"), Json.Raw("{\"nanos\": 5}"), Json.Raw("{\"seconds\": 4102444800, \"nanos\": 1000000000}"),
        Json.Raw("{\"seconds\": 4102444800, \"nanos\": -1}"), Json.Raw("{\"seconds\": 4102444800, \"nanos\": 0.5}"),
        Json.Raw("{\"seconds\": 253402300800}"), Json.Raw("{\"seconds\": 9223372036854775808}"), Json.Raw("{\"seconds\": -9223372036854775808}"),
        Json.Raw("{\"seconds\": null}"),
    ];

    private static readonly byte[][] NotDuration =
    [
        Json.Raw("42"), Json.Raw("\"60s\""), Json.Raw("[]"), Json.Raw("{}"), Json.Raw("true"), Json.Raw("{\"seconds\": -1}"), Json.Raw("{\"seconds\": 1e400}"),
        Json.Raw("{\"seconds\": 60, \"nanos\": -1}"), Json.Raw("{\"seconds\": 60, \"nanos\": 1000000000}"), Json.Raw("{\"seconds\": 60.5}"),
        Json.Raw("{\"seconds\": 9223372036854775807}"), Json.Raw("{\"seconds\": -9223372036854775808}"), Json.Raw("{\"nanos\": 5}"),
        Json.Raw("{\"seconds\": 18446744073709551616}"),
    ];

    private static readonly byte[][] NotTextList =
    [
        Json.Raw("\"pro\""), Json.Raw("[1]"), Json.Raw("[null]"), Json.Raw("[\"\"]"), Json.Raw("[\" \"]"), Json.Raw("{}"), Json.Raw("[[\"a\"]]"),
        Json.Raw("[\"\\ud800\"]"), Json.Raw("true"), Json.Text(new string('f', 65)).Prepend((byte)'[').Append((byte)']').ToArray(),
        Json.Raw("[" + string.Join(",", Enumerable.Range(0, 101).Select(i => $"\"f{i}\"")) + "]"),
    ];

    private static readonly byte[][] NotScope = [Json.Raw("\"superuser\""), Json.Raw("\"root\""), Json.Raw("\"Client\""), Json.Raw("1"), Json.Raw("[\"admin\"]")];

    private static readonly byte[][] NotProductId = [Json.Raw("\"UPPER\""), Json.Raw("\"a b\""), Json.Raw("\"a/b\""), Json.Text("prodüct"), Json.Text(new string('p', 65)), Json.Raw("1")];

    private static readonly byte[][] NotNewUserKey =
    [
        Json.Raw("\"short\""), Json.Raw("\" padded-key-of-twenty-characters \""), Json.Raw("\"abcdefghij\\u0001klmnopqrstuv\""), Json.Text(new string('k', 129)),
        Json.Text("12345678"), Json.Text("fuzz-fixed-user-key"), Json.Text(new string('k', 40)), Json.Text("abababababababababababab"),
    ];

    /// <summary>Text that is odd but valid: right-to-left overrides, combining marks, emoji, NUL as an escape, a BOM, zero-width joiners.</summary>
    public static readonly string[] OddText =
    [
        "\u202Egnp.exe", "e\u0301\u0301\u0301\u0301", "🔑🗝️👩‍💻", "nul\u0000inside", "\uFEFFbom", "zero\u200Dwidth\u200B", "ﷺ", "𝕱𝖚𝖟𝖟",
        "\u0000", "<script>alert(1)</script>", "' OR '1'='1", "PartitionKey eq 'x'", "a|b|c", "../../etc/passwd", "\t tab \t", "日本語のテキスト",
        "\u0085next line", "\u2028line\u2029para", "\u001b[31mred", "%00%2F",
    ];

    /// <summary>Content types the API must refuse with 415.</summary>
    public static readonly string[] RefusedContentTypes =
    [
        "text/plain", "text/plain; charset=utf-8", "multipart/form-data; boundary=----fuzz", "application/x-www-form-urlencoded",
        "application/xml", "application/json; charset=utf-16", "application/json; charset=iso-8859-1", "application/json; charset=\"latin1\"",
        "text/html", "application/octet-stream", "image/png", "application/jsonx", "json", "application", "*/*",
    ];

    /// <summary>Content types the API accepts (application/json, text/json, application/*+json, with or without a UTF-8 charset).</summary>
    public static readonly string[] AcceptedContentTypes =
    [
        "application/json", "application/json; charset=utf-8", "application/json;charset=\"UTF-8\"", "APPLICATION/JSON",
        "text/json", "application/json-patch+json", "application/vnd.fuzz+json", "application/problem+json",
    ];

    /// <summary>Route parameter values that name nothing (already escaped for a path).</summary>
    public static readonly string[] HostileRouteValues =
    [
        "..%2F..", "..%2F..%2F..%2Fv1%2Flicense%2Fkeys", "%2e%2e", "%252F", "a%2Fb", "%00", "%FF", "%C0%AF", "%ED%A0%80", "%20",
        Uri.EscapeDataString("ключ-🔑-\u202E"), Uri.EscapeDataString("e\u0301\u0301"), new string('a', 4000), new string('a', 9000),
        "lic_" + new string('A', 26), "lic_" + new string('a', 25), "lic_" + new string('a', 27), "lic_" + new string('a', 26),
        "aaaaaaaaaa", "AAAAAAAAAA", "aaaaaaaaa1", Uri.EscapeDataString("' or ''='"), Uri.EscapeDataString("PartitionKey eq 'apikey'"), "%24", "~", "-",
    ];

    /// <summary>Catch-all paths that are no route of the app.</summary>
    public static readonly string[] UnknownPaths =
    [
        "", "v1", "v2/license/request", "v1/license", "v1/license/request/extra", "v1/admin", "v1/admin/licenses/x/y/z",
        "..%2F..%2Fetc%2Fpasswd", "%00", "v1/license/keys%00", "favicon.ico", "v1//license//request", "v1/admin/api-keys/x/y",
        Uri.EscapeDataString("ключ") + "/🔑".Replace("🔑", Uri.EscapeDataString("🔑"), StringComparison.Ordinal), new string('x', 3000), "v1/license/%FF",
    ];

    /// <summary>Query strings of garbage (the list of licenses reads pageSize and continuationToken).</summary>
    public static readonly string[] GarbageQueries =
    [
        "pageSize=-1", "pageSize=0", "pageSize=1001", "pageSize=2147483648", "pageSize=1e3", "pageSize=%00", "pageSize=abc", "pageSize=5&pageSize=6",
        "pageSize=%EF%BC%95", "continuationToken=%FF", "continuationToken=%00", "continuationToken=abc", "continuationToken=a%20b",
        "continuationToken=" + new string('c', 3000), "continuationToken=bGljXzEyMyBsaWNlbnNl", "continuationToken=%7B%7D", "x=%%%", "=", "&&&",
        "a=%E0%80%80", "pageSize=1&continuationToken=" + Uri.EscapeDataString("lic_x license"),
    ];

    public static readonly string[] WrongApiKeys =
    [
        "wrong-key", "lk_aaaaaaaaaa_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "lk_", "lk_aaaaaaaaaa_", "lk__" + new string('a', 32), new string('k', 300),
        "test-admin-key-0123456789ABCDEF", "null", "undefined", "Bearer x", "lk_AAAAAAAAAA_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "%00",
    ];

    /// <summary>Values a field of this kind must refuse; null means "leave the field out" (only for required fields).</summary>
    public static byte[]? Refused(FieldSpec field, Random random)
    {
        if (field.Required && random.Next(6) == 0)
        {
            return random.Next(3) == 0 ? null : Pick(random, Blank);
        }

        return field.Kind switch
        {
            FieldKind.Text => random.Next(5) == 0 ? Json.Text(new string('é', (int)field.Max + 1 + random.Next(20))) : Pick(random, NotText),
            FieldKind.WholeNumber => random.Next(3) == 0 ? OutOfRange(field, random) : Pick(random, NotWholeNumber),
            FieldKind.Flag => Pick(random, NotFlag),
            FieldKind.Timestamp => Pick(random, NotTimestamp),
            FieldKind.Duration => random.Next(2) == 0 ? OutOfRangeDuration(field, random) : Pick(random, NotDuration),
            FieldKind.TextList => Pick(random, NotTextList),
            FieldKind.Scope => random.Next(2) == 0 ? Pick(random, NotScope) : Pick(random, NotText),
            FieldKind.ProductId => random.Next(2) == 0 ? Pick(random, NotProductId) : Pick(random, NotText),
            FieldKind.NewUserKey => random.Next(2) == 0 ? Pick(random, NotNewUserKey) : Pick(random, NotText),
            FieldKind.Unchangeable => random.Next(2) == 0 ? Json.Raw("null") : Json.Raw("1"),
            _ => throw new ArgumentOutOfRangeException(nameof(field), field.Kind, null),
        };
    }

    /// <summary>A well-formed duration just outside the field's bounds (in seconds).</summary>
    private static byte[] OutOfRangeDuration(FieldSpec field, Random random)
    {
        var (min, max) = (field.Min.ToString(CultureInfo.InvariantCulture), field.Max.ToString(CultureInfo.InvariantCulture));
        var above = new[] { Json.Raw($"{{\"seconds\": {field.Max + 1}}}"), Json.Raw($"{{\"seconds\": {max}, \"nanos\": 500000000}}") };
        var below = field.Min > 0
            ? new[] { Json.Raw($"{{\"seconds\": {field.Min - 1}}}"), Json.Raw($"{{\"seconds\": {field.Min - 1}, \"nanos\": 999999999}}") }
            : [Json.Raw($"{{\"seconds\": {min}, \"nanos\": -1}}")];
        return Pick(random, above.Concat(below).ToArray());
    }

    /// <summary>A value at the edge of what a field of this kind accepts; null for a field no request may carry.</summary>
    public static byte[]? EdgeValid(FieldSpec field, Random random) => field.Kind switch
    {
        FieldKind.Text => random.Next(5) == 0 ? Json.Text(new string('ü', (int)field.Max)) : Json.Text(Pick(random, OddText)),
        FieldKind.WholeNumber => Json.Raw(Pick(random, new[] { field.Min, field.Max }).ToString(CultureInfo.InvariantCulture)),
        FieldKind.Flag => Json.Raw(random.Next(2) == 0 ? "true" : "false"),
        FieldKind.Timestamp => Pick(random, EdgeTimestamps),
        FieldKind.Duration => Pick(random, EdgeDurations),
        FieldKind.TextList => Pick(random, EdgeTextLists),
        FieldKind.Scope => Json.Text(random.Next(2) == 0 ? "client" : "admin"),
        FieldKind.ProductId => Json.Text(random.Next(2) == 0 ? "a" : new string('-', 64)),
        FieldKind.NewUserKey => Pick(random, EdgeUserKeys),
        _ => null,
    };

    private static readonly byte[][] EdgeTimestamps =
    [
        Json.Raw("\"0001-01-01T00:00:00Z\""), Json.Raw("\"1600-12-31T23:59:59Z\""), Json.Raw("\"9999-12-31T23:59:59.9999999Z\""),
        Json.Raw("\"9999-12-31T23:59:59Z\""), Json.Raw("\"2030-01-01T00:00:00+14:00\""), Json.Raw("\"2030-01-01\""), Json.Raw("null"),
        Json.Raw("{\"seconds\": 0, \"nanos\": 0}"), Json.Raw("{\"seconds\": 253402300799, \"nanos\": 999999999}"),
        Json.Raw("{\"SECONDS\": 4102444800, \"unknown\": [1]}"),
    ];

    private static readonly byte[][] EdgeDurations =
    [
        Json.Raw("{\"seconds\": 1}"), Json.Raw("{\"seconds\": 86400}"), Json.Raw("{\"seconds\": 86399, \"nanos\": 999999999}"),
        Json.Raw("{\"seconds\": 0, \"nanos\": 0, \"seconds\": 60}"), Json.Raw("null"),
    ];

    private static readonly byte[][] EdgeTextLists =
    [
        Json.Raw("[]"), Json.Raw("[\"a\", \"a\", \"A\"]"), Json.Raw("null"),
        Json.Raw("[" + string.Join(",", Enumerable.Range(0, 100).Select(i => $"\"{i.ToString(CultureInfo.InvariantCulture).PadLeft(64, 'f')}\"")) + "]"),
        Json.Text("x").Prepend((byte)'[').Concat(Json.Raw(", \"🔑\", \"\\u0000\"]")).ToArray(),
    ];

    private static readonly byte[][] EdgeUserKeys =
    [
        Json.Text("12345678"), Json.Text("🔑🔑🔑🔑🔑🔑🔑🔑"), Json.Text(new string('k', 128)), Json.Text("fuzz-fixed-user-key"), Json.Text("é́́́́́́"),
    ];

    public static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    public static byte[] RandomBytes(Random random, int maxLength)
    {
        var bytes = new byte[1 + random.Next(maxLength)];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] OutOfRange(FieldSpec field, Random random)
    {
        var value = random.Next(3) switch
        {
            0 => field.Min - 1,
            1 => field.Max + 1,
            _ => field.Max + 1 + random.Next(1_000_000),
        };
        return Json.Raw(value == 0 && random.Next(2) == 0 ? "-0" : value.ToString(CultureInfo.InvariantCulture));
    }
}
