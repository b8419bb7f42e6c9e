using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Licensing.Tests.Support;

namespace Licensing.Tests.Portal;

/// <summary>The portal's calls as its page makes them: sign in with the license key, then send the session as a bearer token.</summary>
public static class PortalCalls
{
    /// <summary>Signs in with the license's key; asserts a 200 and returns the session token.</summary>
    public static async Task<string> SignInAsync(this ServerFixture server, License license)
    {
        using var response = await server.SendAsync(HttpMethod.Post, "v1/portal/session", new { license.UserKey }, apiKey: null);
        using var json = await ServerFixture.ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, json.RootElement.GetRawText());
        return json.RootElement.GetProperty("sessionToken").GetString()!;
    }

    /// <summary>A portal call with <paramref name="bearer"/> in the Authorization header (none when null).</summary>
    public static async Task<HttpResponseMessage> SendWithBearerAsync(this ServerFixture server, HttpMethod method, string route, string? bearer, object? body = null, string? apiKey = null)
    {
        using var request = new HttpRequestMessage(method, route);
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (apiKey is not null)
        {
            request.Headers.Add("x-api-key", apiKey);
        }

        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        }

        return await server.Http.SendAsync(request);
    }

    /// <summary>A portal call's status and JSON body.</summary>
    public static async Task<(HttpStatusCode Status, JsonElement Body)> PortalAsync(this ServerFixture server, HttpMethod method, string route, string? session, object? body = null)
    {
        using var response = await server.SendWithBearerAsync(method, route, session, body);
        using var json = await ServerFixture.ReadJsonAsync(response);
        return (response.StatusCode, json.RootElement.Clone());
    }

    /// <summary>A compact JWS's header and payload, unverified.</summary>
    public static (JsonElement Header, JsonElement Payload) ReadJws(string jws)
    {
        var parts = jws.Split('.');
        Assert.Equal(3, parts.Length);
        using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));
        using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
        return (header.RootElement.Clone(), payload.RootElement.Clone());
    }

    /// <summary>The public id of the seat of <paramref name="machineId"/>, as the admin view shows it.</summary>
    public static async Task<string> SeatIdAsync(this ServerFixture server, License license, string machineId)
    {
        using var view = await server.SendForJsonAsync(HttpMethod.Get, $"v1/admin/licenses/{license.LicenseId}", null, ServerFixture.AdminKey);
        return view.RootElement.GetProperty("licenseTokens").EnumerateArray()
            .Single(t => t.GetProperty("machineId").GetString() == machineId && t.GetProperty("state").GetString() == "live")
            .GetProperty("token").GetString()!;
    }
}
