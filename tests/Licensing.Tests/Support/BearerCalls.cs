using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Licensing.Auth;
using Licensing.Http;

namespace Licensing.Tests.Support;

public static class BearerCalls
{
    /// <summary>A call with <c>Authorization: Bearer</c> and, optionally, an API key beside it; asserts nothing.</summary>
    public static async Task<HttpResponseMessage> SendWithBearerAsync(
        this ServerFixture server, HttpMethod method, string route, object? body, string token, string? apiKey = null)
    {
        using var request = new HttpRequestMessage(method, route);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (apiKey is not null)
        {
            request.Headers.Add(RequestAuthorizer.ApiKeyHeader, apiKey);
        }

        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        }

        return await server.Http.SendAsync(request);
    }
}
