using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Licensing.Storage;
using Licensing.Tests.Support;

namespace Licensing.Tests.EndToEnd;

/// <summary>
/// Every error status of CONTRACT.md's "Outcomes and errors" over real HTTP: the status, a problem body with its
/// <c>code</c>, per-field <c>errors</c> where a field is at fault, nothing stored by a refused call, and never a 5xx.
/// </summary>
public sealed class BadInputTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const int Activation = 1;
    private const int Floating = 2;
    private const string ProblemJson = "application/problem+json";
    private static readonly string[] AnyBadRequestCode = ["validation_failed", "malformed_json"];
    private static readonly HttpStatusCode[] OkOrBadRequest = [HttpStatusCode.OK, HttpStatusCode.BadRequest];
    private static readonly HttpStatusCode[] CreatedOrBadRequest = [HttpStatusCode.Created, HttpStatusCode.BadRequest];

    // ---- 400: the body ----

    [Theory]
    [InlineData("{\"userKey\": \"abc\",")]
    [InlineData("{userKey: 'abc', machineId: 'm1'}")]
    [InlineData("not json at all")]
    [InlineData("{\"userKey\": \"abc\", \"machineId\": \"m1\"} trailing")]
    [InlineData("")]
    public async Task Malformed_json_is_a_400_malformed_json_and_takes_no_seat(string body)
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 1);

        using var response = await SendAsync(HttpMethod.Post, "v1/license/request", body.Replace("abc", license.UserKey, StringComparison.Ordinal), server.ClientKey);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "malformed_json");
        Assert.Equal(0, await LiveSeatsAsync(license));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("[{\"userKey\": \"k\", \"machineId\": \"m1\"}]")]
    [InlineData("\"text\"")]
    [InlineData("42")]
    [InlineData("true")]
    [InlineData("null")]
    public async Task A_body_that_is_not_a_json_object_is_a_400(string body)
    {
        using var response = await SendAsync(HttpMethod.Post, "v1/license/validate", body, server.ClientKey);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "malformed_json");
    }

    [Theory]
    [InlineData("v1/license/activate", "userKey", "machineId")]
    [InlineData("v1/license/deactivate", "userKey", "machineId")]
    [InlineData("v1/license/request", "userKey", "machineId")]
    [InlineData("v1/license/validate", "userKey", "machineId")]
    [InlineData("v1/license/info", "userKey", "machineId")]
    [InlineData("v1/license/release", "licenseToken", "machineId")]
    [InlineData("v1/license/heartbeat", "licenseToken", "machineId")]
    public async Task Missing_required_fields_are_a_400_naming_each_field_in_camel_case(string route, string first, string second)
    {
        using var response = await SendAsync(HttpMethod.Post, route, new { clientId = "c1", clientName = "n" }, server.ClientKey);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed");
        AssertFieldErrors(problem, first, second);
    }

    [Theory]
    [InlineData("v1/license/activate", "machineId")]
    [InlineData("v1/license/deactivate", "machineId")]
    [InlineData("v1/license/request", "machineId")]
    [InlineData("v1/license/validate", "machineId")]
    [InlineData("v1/license/info", "machineId")]
    [InlineData("v1/license/release", "machineId")]
    [InlineData("v1/license/heartbeat", "machineId")]
    [InlineData("v1/license/request", "userKey")]
    [InlineData("v1/license/activate", "userKey")]
    [InlineData("v1/license/heartbeat", "licenseToken")]
    [InlineData("v1/license/release", "licenseToken")]
    public async Task A_null_required_field_counts_as_missing_and_changes_nothing(string route, string field)
    {
        var (license, body, seatsBefore) = await ValidCallAsync(route);
        body[field] = null;

        using var response = await SendAsync(HttpMethod.Post, route, body, server.ClientKey);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed");
        AssertFieldErrors(problem, field);
        Assert.Equal(seatsBefore, await LiveSeatsAsync(license));
    }

    [Theory]
    [InlineData("v1/license/activate", "userKey", "")]
    [InlineData("v1/license/activate", "machineId", "   ")]
    [InlineData("v1/license/deactivate", "machineId", "")]
    [InlineData("v1/license/request", "userKey", "   ")]
    [InlineData("v1/license/request", "machineId", "\t\n")]
    [InlineData("v1/license/validate", "machineId", "")]
    [InlineData("v1/license/info", "userKey", " ")]
    [InlineData("v1/license/heartbeat", "licenseToken", "  ")]
    [InlineData("v1/license/release", "licenseToken", "")]
    [InlineData("v1/license/release", "machineId", "  ")]
    public async Task A_blank_string_counts_as_missing_and_changes_nothing(string route, string field, string blank)
    {
        var (license, body, seatsBefore) = await ValidCallAsync(route);
        body[field] = blank;

        using var response = await SendAsync(HttpMethod.Post, route, body, server.ClientKey);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed");
        AssertFieldErrors(problem, field);
        Assert.Equal(seatsBefore, await LiveSeatsAsync(license));
    }

    [Theory]
    [InlineData("v1/license/request", "machineId", "42")]
    [InlineData("v1/license/request", "userKey", "true")]
    [InlineData("v1/license/request", "clientId", "{}")]
    [InlineData("v1/license/request", "clientName", "[\"a\"]")]
    [InlineData("v1/license/activate", "machineId", "1.5")]
    [InlineData("v1/license/validate", "userKey", "[]")]
    [InlineData("v1/license/heartbeat", "licenseToken", "123")]
    [InlineData("v1/license/release", "licenseToken", "{\"token\": \"x\"}")]
    [InlineData("v1/license/release", "machineId", "false")]
    public async Task A_value_of_the_wrong_json_type_is_a_400_naming_the_field_and_changes_nothing(string route, string field, string json)
    {
        var (license, body, seatsBefore) = await ValidCallAsync(route);
        body[field] = JsonNode.Parse(json);

        using var response = await SendAsync(HttpMethod.Post, route, body, server.ClientKey);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed");
        AssertFieldErrors(problem, field);
        Assert.Equal(seatsBefore, await LiveSeatsAsync(license));
    }

    [Theory]
    [InlineData("v1/license/activate", "userKey", 129)]
    [InlineData("v1/license/deactivate", "userKey", 129)]
    [InlineData("v1/license/request", "userKey", 129)]
    [InlineData("v1/license/validate", "userKey", 129)]
    [InlineData("v1/license/info", "userKey", 129)]
    [InlineData("v1/license/activate", "machineId", 257)]
    [InlineData("v1/license/activate", "clientId", 257)]
    [InlineData("v1/license/activate", "clientName", 257)]
    [InlineData("v1/license/request", "machineId", 257)]
    [InlineData("v1/license/request", "clientId", 257)]
    [InlineData("v1/license/request", "clientName", 257)]
    [InlineData("v1/license/deactivate", "machineId", 257)]
    [InlineData("v1/license/heartbeat", "machineId", 257)]
    [InlineData("v1/license/heartbeat", "clientName", 257)]
    [InlineData("v1/license/release", "clientId", 257)]
    [InlineData("v1/license/heartbeat", "licenseToken", 32769)]
    [InlineData("v1/license/release", "licenseToken", 32769)]
    public async Task A_field_over_its_limit_is_a_400_naming_the_field_and_changes_nothing(string route, string field, int length)
    {
        var (license, body, seatsBefore) = await ValidCallAsync(route);
        body[field] = new string('x', length);

        using var response = await SendAsync(HttpMethod.Post, route, body, server.ClientKey);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed");
        AssertFieldErrors(problem, field);
        Assert.Equal(seatsBefore, await LiveSeatsAsync(license));
    }

    [Fact]
    public async Task Fields_exactly_at_their_limits_are_accepted()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 1);
        var atLimit = new { license.UserKey, machineId = new string('m', 256), clientId = new string('c', 256), clientName = new string('n', 256) };
        var unknownUserKey = new { userKey = new string('u', 128), machineId = "m1" };

        var granted = await CallOkAsync("v1/license/request", atLimit);
        var unknown = await CallOkAsync("v1/license/validate", unknownUserKey);

        Assert.True(granted.GetProperty("granted").GetBoolean(), granted.GetRawText());
        Assert.False(unknown.GetProperty("success").GetBoolean());
        Assert.Equal("license_not_found", unknown.GetProperty("reason").GetString());
        Assert.Equal(1, await LiveSeatsAsync(license));
    }

    [Fact]
    public async Task Property_names_match_case_insensitively_and_unknown_properties_are_ignored()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 1);
        var body = $$"""{"UserKey": "{{license.UserKey}}", "MACHINEID": "m1", "ClientId": "c1", "favouriteColour": "green", "nested": {"a": [1, 2]}, "version": 3}""";

        var granted = await CallOkAsync("v1/license/request", body);
        var holder = await CallOkAsync("v1/license/validate", new { license.UserKey, machineId = "m1", clientId = "c1" });

        Assert.True(granted.GetProperty("granted").GetBoolean(), granted.GetRawText());
        Assert.True(holder.GetProperty("success").GetBoolean(), holder.GetRawText());
        Assert.Equal(1, await LiveSeatsAsync(license));
    }

    [Theory]
    [InlineData("{\"userKey\": \"KEY\", \"machineId\": \"m1\", \"machineId\": \"m2\"}")]
    [InlineData("{\"userKey\": \"KEY\", \"machineId\": \"m1\", \"MachineId\": \"m2\"}")]
    [InlineData("{\"userKey\": \"KEY\", \"userKey\": \"KEY\", \"machineId\": \"m1\"}")]
    public async Task A_duplicate_property_is_a_400_and_takes_no_seat(string template)
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 1);

        using var response = await SendAsync(HttpMethod.Post, "v1/license/request", template.Replace("KEY", license.UserKey, StringComparison.Ordinal), server.ClientKey);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, code: null);
        Assert.Contains(problem.GetProperty("code").GetString()!, AnyBadRequestCode);
        Assert.Equal(0, await LiveSeatsAsync(license));
    }

    // ---- 401 / 403: credentials ----

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("wrong-key")]
    [InlineData("lk_aaaaaaaaaa_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("test-admin-key-0123456789abcdeF")]
    public async Task A_missing_or_wrong_key_is_a_401_and_takes_no_seat(string? apiKey)
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 1);

        using var client = await SendAsync(HttpMethod.Post, "v1/license/request", new { license.UserKey, machineId = "m1" }, apiKey);
        using var admin = await SendAsync(HttpMethod.Get, "v1/admin/licenses", null, apiKey);

        await AssertProblemAsync(client, HttpStatusCode.Unauthorized, "unauthorized");
        await AssertProblemAsync(admin, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal(0, await LiveSeatsAsync(license));
    }

    [Fact]
    public async Task A_deleted_key_stops_working_at_once()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 2);
        var created = (await server.AdminPostAsync("v1/admin/api-keys", new { name = "short-lived", scope = "client" })).RootElement;
        var key = created.GetProperty("key").GetString()!;
        using (var before = await SendAsync(HttpMethod.Post, "v1/license/request", new { license.UserKey, machineId = "m1" }, key))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using var deleted = await SendAsync(HttpMethod.Delete, $"v1/admin/api-keys/{created.GetProperty("id").GetString()}", null, ServerFixture.AdminKey);
        using var after = await SendAsync(HttpMethod.Post, "v1/license/request", new { license.UserKey, machineId = "m2" }, key);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await AssertProblemAsync(after, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal(1, await LiveSeatsAsync(license));
    }

    [Fact]
    public async Task A_client_key_on_an_admin_route_is_a_403_and_does_nothing()
    {
        var userKey = "FORBIDDEN-" + Guid.NewGuid().ToString("N");
        var existing = await server.CreateLicenseAsync(Floating, seats: 1);

        using var list = await SendAsync(HttpMethod.Get, "v1/admin/licenses", null, server.ClientKey);
        using var create = await SendAsync(HttpMethod.Post, "v1/admin/licenses", new { licensingMode = Floating, maxClientCount = 5, userKey }, server.ClientKey);
        using var patch = await SendAsync(HttpMethod.Patch, $"v1/admin/licenses/{existing.LicenseId}", new { maxClientCount = 50 }, server.ClientKey);
        using var delete = await SendAsync(HttpMethod.Delete, $"v1/admin/licenses/{existing.LicenseId}", null, server.ClientKey);
        using var mint = await SendAsync(HttpMethod.Post, "v1/admin/api-keys", new { name = "escalate", scope = "admin" }, server.ClientKey);

        foreach (var response in new[] { list, create, patch, delete, mint })
        {
            await AssertProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
        }

        Assert.Empty(await server.StoredRowsAsync(TableKeys.LicenseId(userKey)));
        var row = await server.StoredLicenseRowAsync(existing.LicenseId);
        Assert.NotNull(row);
        Assert.Equal(1, row.GetInt32("MaxClientCount"));
        var keys = (await server.SendForJsonAsync(HttpMethod.Get, "v1/admin/api-keys", null, ServerFixture.AdminKey)).RootElement;
        Assert.DoesNotContain(keys.GetProperty("items").EnumerateArray(), k => k.GetProperty("name").GetString() == "escalate");
    }

    // ---- 404 / 405: routes ----

    [Theory]
    [InlineData("GET", "v1/nothing-here", null)]
    [InlineData("POST", "v1/license/unknown", "client")]
    [InlineData("POST", "api/v1/license/request", "client")]
    [InlineData("GET", "v2/license/keys", null)]
    [InlineData("DELETE", "v1/admin/licenses/lic_x/tokens", "admin")]
    public async Task An_unknown_route_is_a_404_problem_not_found(string method, string route, string? key)
    {
        var apiKey = key switch { "client" => server.ClientKey, "admin" => ServerFixture.AdminKey, _ => null };

        using var response = await SendAsync(new HttpMethod(method), route, method == "GET" || method == "DELETE" ? null : new { machineId = "m1" }, apiKey);

        await AssertProblemAsync(response, HttpStatusCode.NotFound, "not_found");
    }

    [Theory]
    [InlineData("GET", "v1/license/activate", "POST")]
    [InlineData("PUT", "v1/license/request", "POST")]
    [InlineData("DELETE", "v1/license/heartbeat", "POST")]
    [InlineData("POST", "v1/license/keys", "GET")]
    [InlineData("DELETE", "v1/admin/licenses", "GET,POST")]
    [InlineData("PUT", "v1/admin/licenses/lic_aaaaaaaaaaaaaaaaaaaaaaaaaa", "GET,PATCH,DELETE")]
    [InlineData("GET", "v1/admin/licenses/lic_aaaaaaaaaaaaaaaaaaaaaaaaaa/tokens/revoke", "POST")]
    [InlineData("PATCH", "v1/admin/api-keys", "GET,POST")]
    public async Task A_wrong_method_on_a_known_route_is_a_405_with_an_allow_header(string method, string route, string allowed)
    {
        var body = method is "GET" or "DELETE" ? null : new { machineId = "m1" };

        using var response = await SendAsync(new HttpMethod(method), route, body, server.ClientKey);

        await AssertProblemAsync(response, HttpStatusCode.MethodNotAllowed, "method_not_allowed");
        var allow = response.Content.Headers.Allow
            .Concat(response.Headers.TryGetValues("Allow", out var values) ? values : [])
            .SelectMany(v => v.Split(','))
            .Select(v => v.Trim().ToUpperInvariant())
            .ToHashSet();
        Assert.Equal(allowed.Split(',').ToHashSet(), allow);
    }

    // ---- 413 / 415: size and content type ----

    [Fact]
    public async Task A_body_over_64_KiB_is_a_413_and_takes_no_seat()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 1);

        using var response = await SendAsync(HttpMethod.Post, "v1/license/request", BodyOfSize(license, 64 * 1024 + 1), server.ClientKey);

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        Assert.Equal(0, await LiveSeatsAsync(license));
    }

    [Fact]
    public async Task A_chunked_body_over_64_KiB_without_a_content_length_is_a_413_too()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 1);
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/license/request")
        {
            Content = new StringContent(BodyOfSize(license, 100 * 1024), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-api-key", server.ClientKey);
        request.Headers.TransferEncodingChunked = true;

        using var response = await server.Http.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        Assert.Equal(0, await LiveSeatsAsync(license));
    }

    [Fact]
    public async Task A_body_of_exactly_64_KiB_is_read()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 1);

        var granted = await CallOkAsync("v1/license/request", BodyOfSize(license, 64 * 1024));

        Assert.True(granted.GetProperty("granted").GetBoolean(), granted.GetRawText());
        Assert.Equal(1, await LiveSeatsAsync(license));
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/json; charset=utf-16")]
    [InlineData("application/xml")]
    [InlineData("multipart/form-data; boundary=x")]
    public async Task A_content_type_not_accepted_is_a_415_and_takes_no_seat(string contentType)
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 1);

        using var response = await SendAsync(HttpMethod.Post, "v1/license/request", new { license.UserKey, machineId = "m1" }, server.ClientKey, contentType);

        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        Assert.Equal(0, await LiveSeatsAsync(license));
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/json; charset=UTF-8")]
    [InlineData("application/json-patch+json")]
    [InlineData("application/json-patch+json; charset=utf-8")]
    [InlineData("text/json")]
    [InlineData("text/json; charset=utf-8")]
    [InlineData("application/vnd.foo+json")]
    [InlineData("application/json; charset=\"utf-8\"")]
    [InlineData("Application/JSON")]
    public async Task Each_accepted_content_type_works(string contentType)
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 1);

        using var response = await SendAsync(HttpMethod.Post, "v1/license/request", new { license.UserKey, machineId = "m1" }, server.ClientKey, contentType);

        using var json = await ServerFixture.ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, json.RootElement.GetRawText());
        Assert.True(json.RootElement.GetProperty("granted").GetBoolean());
        Assert.Equal(1, await LiveSeatsAsync(license));
    }

    [Fact]
    public async Task Accept_text_plain_as_the_reference_samples_send_still_gets_json()
    {
        var license = await server.CreateLicenseAsync(Activation, seats: 1);
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/license/activate")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { license.UserKey, machineId = "m1" }), Encoding.UTF8, "application/json-patch+json"),
        };
        request.Headers.Add("x-api-key", server.ClientKey);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/plain"));

        using var response = await server.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var json = await ServerFixture.ReadJsonAsync(response);
        Assert.True(json.RootElement.GetProperty("success").GetBoolean());
    }

    // ---- nothing a client sends produces a 5xx ----

    [Theory]
    [InlineData("a lone high surrogate in machineId", "{\"userKey\": \"KEY\", \"machineId\": \"\\ud800\"}")]
    [InlineData("a lone low surrogate in clientName", "{\"userKey\": \"KEY\", \"machineId\": \"m1\", \"clientName\": \"\\udc00x\"}")]
    [InlineData("a NUL character in clientName", "{\"userKey\": \"KEY\", \"machineId\": \"m1\", \"clientName\": \"a\\u0000b\"}")]
    [InlineData("control characters in machineId and clientId", "{\"userKey\": \"KEY\", \"machineId\": \"m1\\u0000\", \"clientId\": \"\\u0001\\u001f\"}")]
    [InlineData("a number beyond double range", "{\"userKey\": \"KEY\", \"machineId\": \"m1\", \"clientId\": 1e400}")]
    [InlineData("deep nesting in an unknown property", "{\"userKey\": \"KEY\", \"machineId\": \"m1\", \"deep\": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}")]
    public async Task Odd_but_well_formed_or_hostile_json_never_produces_a_5xx(string what, string template)
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 1);

        using var response = await SendAsync(HttpMethod.Post, "v1/license/request", template.Replace("KEY", license.UserKey, StringComparison.Ordinal), server.ClientKey);

        Assert.True(OkOrBadRequest.Contains(response.StatusCode), $"{what}: answered {(int)response.StatusCode}");
        Assert.Equal(response.StatusCode == HttpStatusCode.OK ? 1 : 0, await LiveSeatsAsync(license));
    }

    [Fact]
    public async Task Invalid_utf8_bytes_in_the_body_are_a_400_not_a_5xx()
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 1);
        var bytes = Encoding.UTF8.GetBytes("{\"userKey\": \"" + license.UserKey + "\", \"machineId\": \"m\u00e9XX\"}").ToList();
        var at = bytes.IndexOf((byte)'X');
        bytes[at] = 0xC3;
        bytes[at + 1] = 0x28;
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/license/request") { Content = new ByteArrayContent([.. bytes]) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("x-api-key", server.ClientKey);

        using var response = await server.Http.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, code: null);
        Assert.Equal(0, await LiveSeatsAsync(license));
    }

    [Theory]
    [InlineData("expireAt", "{\"seconds\": 253402300799, \"nanos\": 999999999}")]
    [InlineData("supportExpireAt", "{\"seconds\": 253402300799, \"nanos\": 999999999}")]
    [InlineData("supportExpireAt", "{\"seconds\": 0, \"nanos\": 0}")]
    [InlineData("customerName", "\"a\\u0000b\"")]
    [InlineData("customerName", "\"\\ud800\"")]
    [InlineData("features", "[\"\\udfff\"]")]
    [InlineData("userKey", "\"KEY-\\u0000-KEY\"")]
    [InlineData("heartbeatInterval", "{\"seconds\": 9223372036854775807, \"nanos\": 0}")]
    [InlineData("expireAt", "{\"seconds\": -9223372036854775808, \"nanos\": 0}")]
    public async Task Extreme_admin_values_answer_201_or_400_never_a_5xx(string field, string json)
    {
        // Raw text: some of these values (lone surrogates) cannot even be built with System.Text.Json.
        var body = $$"""{"licensingMode": {{Floating}}, "maxClientCount": 5, "{{field}}": {{json}}}""";

        using var response = await SendAsync(HttpMethod.Post, "v1/admin/licenses", body, ServerFixture.AdminKey);

        Assert.Contains(response.StatusCode, CreatedOrBadRequest);
    }

    // ---- admin input ----

    [Theory]
    [InlineData("licensingMode", "3")]
    [InlineData("licensingMode", "-1")]
    [InlineData("licensingMode", "\"x\"")]
    [InlineData("licensingMode", "1.5")]
    [InlineData("licensingMode", "null")]
    [InlineData("maxClientCount", "0")]
    [InlineData("maxClientCount", "-1")]
    [InlineData("maxClientCount", "100001")]
    [InlineData("maxClientCount", "\"5\"")]
    [InlineData("maxClientCount", "null")]
    [InlineData("expireAt", "{\"seconds\": 1000000000, \"nanos\": 0}")]
    [InlineData("expireAt", "\"2001-01-01T00:00:00Z\"")]
    [InlineData("expireAt", "{\"seconds\": \"soon\"}")]
    [InlineData("heartbeatInterval", "{\"seconds\": 0, \"nanos\": 0}")]
    [InlineData("heartbeatInterval", "{\"seconds\": 86401, \"nanos\": 0}")]
    [InlineData("heartbeatInterval", "{\"seconds\": -5, \"nanos\": 0}")]
    [InlineData("heartbeatInterval", "30")]
    [InlineData("productId", "\"Pro\"")]
    [InlineData("productId", "\"pro_a\"")]
    [InlineData("productId", "\"pro a\"")]
    [InlineData("features", "\"a,b\"")]
    [InlineData("features", "[\"a\", 1]")]
    public async Task Bad_admin_create_input_is_a_400_naming_the_field_and_stores_nothing(string field, string json)
    {
        var userKey = "BAD-INPUT-" + Guid.NewGuid().ToString("N");
        var body = new JsonObject
        {
            ["licensingMode"] = Floating,
            ["maxClientCount"] = 5,
            ["userKey"] = userKey,
            [field] = JsonNode.Parse(json),
        };

        using var response = await SendAsync(HttpMethod.Post, "v1/admin/licenses", body, ServerFixture.AdminKey);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed");
        AssertFieldErrors(problem, field);
        Assert.Empty(await server.StoredRowsAsync(TableKeys.LicenseId(userKey)));
    }

    [Fact]
    public async Task An_admin_create_without_mode_or_seat_limit_names_both_fields()
    {
        var userKey = "BAD-INPUT-" + Guid.NewGuid().ToString("N");

        using var response = await SendAsync(HttpMethod.Post, "v1/admin/licenses", new { userKey }, ServerFixture.AdminKey);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed");
        AssertFieldErrors(problem, "licensingMode", "maxClientCount");
        Assert.Empty(await server.StoredRowsAsync(TableKeys.LicenseId(userKey)));
    }

    [Theory]
    [InlineData("maxClientCount", "0")]
    [InlineData("maxClientCount", "100001")]
    [InlineData("heartbeatInterval", "{\"seconds\": 0, \"nanos\": 0}")]
    [InlineData("suspended", "\"yes\"")]
    public async Task Bad_admin_patch_input_is_a_400_naming_the_field_and_changes_nothing(string field, string json)
    {
        var license = await server.CreateLicenseAsync(Floating, seats: 3);
        var body = new JsonObject { ["customerName"] = "Changed", [field] = JsonNode.Parse(json) };

        using var response = await SendAsync(HttpMethod.Patch, $"v1/admin/licenses/{license.LicenseId}", body, ServerFixture.AdminKey);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed");
        AssertFieldErrors(problem, field);
        var row = (await server.StoredLicenseRowAsync(license.LicenseId))!;
        Assert.Equal(3, row.GetInt32("MaxClientCount"));
        Assert.Equal(Floating, row.GetInt32("Mode"));
        Assert.Null(row.GetString("CustomerName"));
        Assert.False(row.GetBoolean("Suspended") ?? false);
    }

    [Fact]
    public async Task A_duplicate_user_key_on_create_is_a_409_user_key_in_use_and_leaves_the_first_license_alone()
    {
        var userKey = "DUPLICATE-" + Guid.NewGuid().ToString("N");
        var first = await server.CreateLicenseAsync(Activation, seats: 2, extra: new { userKey, customerName = "First" });

        using var response = await SendAsync(HttpMethod.Post, "v1/admin/licenses",
            new { licensingMode = Floating, maxClientCount = 9, userKey, customerName = "Second" }, ServerFixture.AdminKey);

        await AssertProblemAsync(response, HttpStatusCode.Conflict, "user_key_in_use");
        var rows = await server.StoredRowsAsync(first.LicenseId);
        var row = Assert.Single(rows);
        Assert.Equal(Activation, row.GetInt32("Mode"));
        Assert.Equal(2, row.GetInt32("MaxClientCount"));
        Assert.Equal("First", row.GetString("CustomerName"));
    }

    // ---- unknown user keys ----

    [Theory]
    [InlineData("v1/license/deactivate")]
    [InlineData("v1/license/info")]
    public async Task An_unknown_user_key_on_deactivate_or_info_is_a_404_license_not_found(string route)
    {
        using var response = await SendAsync(HttpMethod.Post, route, new { userKey = "NO-SUCH-" + Guid.NewGuid().ToString("N"), machineId = "m1" }, server.ClientKey);

        await AssertProblemAsync(response, HttpStatusCode.NotFound, "license_not_found");
    }

    [Theory]
    [InlineData("v1/license/activate", "success")]
    [InlineData("v1/license/request", "granted")]
    [InlineData("v1/license/validate", "success")]
    public async Task An_unknown_user_key_on_activate_request_or_validate_is_a_200_denial_license_not_found(string route, string flag)
    {
        var denied = await CallOkAsync(route, new { userKey = "NO-SUCH-" + Guid.NewGuid().ToString("N"), machineId = "m1" });

        Assert.False(denied.GetProperty(flag).GetBoolean());
        Assert.Equal("license_not_found", denied.GetProperty("reason").GetString());
        Assert.False(string.IsNullOrEmpty(denied.GetProperty("message").GetString()));
    }

    // ---- helpers ----

    /// <summary>Every request of this class goes through here: no input may ever produce a 5xx.</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string route, object? body, string? apiKey, string contentType = "application/json")
    {
        var response = await server.SendAsync(method, route, body, apiKey, contentType);
        if ((int)response.StatusCode >= 500)
        {
            var text = await response.Content.ReadAsStringAsync();
            var status = (int)response.StatusCode;
            response.Dispose();
            Assert.Fail($"{method} {route} answered {status}: {text}");
        }

        return response;
    }

    /// <summary>A client call that must answer 200 (and never a 5xx): its JSON body.</summary>
    private async Task<JsonElement> CallOkAsync(string route, object body)
    {
        using var response = await SendAsync(HttpMethod.Post, route, body, server.ClientKey);
        using var json = await ServerFixture.ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{route} answered {(int)response.StatusCode}: {json.RootElement.GetRawText()}");
        return json.RootElement.Clone();
    }

    /// <summary>Asserts a problem body of the given status and code (any code when null); returns it.</summary>
    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal(ProblemJson, response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(text);
        var problem = json.RootElement.Clone();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        if (code is not null)
        {
            Assert.Equal(code, problem.GetProperty("code").GetString());
        }
        else
        {
            Assert.False(string.IsNullOrEmpty(problem.GetProperty("code").GetString()));
        }

        return problem;
    }

    /// <summary>The problem's <c>errors</c> names each field (by its camelCase wire name) with at least one message.</summary>
    private static void AssertFieldErrors(JsonElement problem, params string[] fields)
    {
        Assert.True(problem.TryGetProperty("errors", out var errors), problem.GetRawText());
        foreach (var field in fields)
        {
            Assert.True(errors.TryGetProperty(field, out var messages), $"errors does not name '{field}': {errors.GetRawText()}");
            Assert.NotEmpty(messages.EnumerateArray());
            Assert.All(messages.EnumerateArray(), m => Assert.False(string.IsNullOrWhiteSpace(m.GetString())));
        }
    }

    /// <summary>
    /// A fresh license for the route's mode and a well-formed body for it; for release and heartbeat a real lease
    /// is taken first, so a bad call that went through would visibly change the seat count.
    /// </summary>
    private async Task<(License License, JsonObject Body, int LiveSeats)> ValidCallAsync(string route)
    {
        var byToken = route is "v1/license/release" or "v1/license/heartbeat";
        var mode = route is "v1/license/activate" or "v1/license/deactivate" ? Activation : Floating;
        var license = await server.CreateLicenseAsync(mode, seats: 2);
        if (!byToken)
        {
            if (route == "v1/license/deactivate")
            {
                await CallOkAsync("v1/license/activate", new { license.UserKey, machineId = "m1" });
            }

            return (license, new JsonObject { ["userKey"] = license.UserKey, ["machineId"] = "m1" }, await LiveSeatsAsync(license));
        }

        var granted = await CallOkAsync("v1/license/request", new { license.UserKey, machineId = "m1" });
        Assert.True(granted.GetProperty("granted").GetBoolean(), granted.GetRawText());
        var token = granted.GetProperty("licenseToken").GetString()!;
        return (license, new JsonObject { ["licenseToken"] = token, ["machineId"] = "m1" }, await LiveSeatsAsync(license));
    }

    private async Task<int> LiveSeatsAsync(License license) =>
        (await server.StoredLicenseRowAsync(license.LicenseId))?.GetInt32("LiveSeats") ?? -1;

    /// <summary>A valid request body padded with an unknown property to exactly <paramref name="bytes"/> UTF-8 bytes.</summary>
    private static string BodyOfSize(License license, int bytes)
    {
        var head = "{\"userKey\":\"" + license.UserKey + "\",\"machineId\":\"m1\",\"padding\":\"";
        const string tail = "\"}";
        var body = head + new string('p', bytes - Encoding.UTF8.GetByteCount(head) - tail.Length) + tail;
        Assert.Equal(bytes, Encoding.UTF8.GetByteCount(body));
        return body;
    }
}
