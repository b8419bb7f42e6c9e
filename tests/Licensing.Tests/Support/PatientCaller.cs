using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;

namespace Licensing.Tests.Support;

/// <summary>
/// Calls the API as a well-behaved client does: a 503 with Retry-After is tried again (after a few milliseconds, not
/// the advertised seconds, to keep tests short) until a 200 comes. Every answer is kept, so a test can assert that
/// nothing but 200 and 503-with-Retry-After was ever seen; any other answer fails the call at once.
/// </summary>
public sealed class PatientCaller(ServerFixture server, int maxTries = 60)
{
    private readonly ConcurrentQueue<(string Route, int Status)> _answers = new();

    public IReadOnlyCollection<(string Route, int Status)> Answers => _answers;

    public int Unavailable => _answers.Count(a => a.Status == 503);

    public async Task<JsonElement> CallAsync(string route, object body)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var response = await server.PostAsync(route, body);
            using var json = await ServerFixture.ReadJsonAsync(response);
            var status = (int)response.StatusCode;
            _answers.Enqueue((route, status));
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return json.RootElement.Clone();
            }

            var code = json.RootElement.TryGetProperty("code", out var c) ? c.GetString() : null;
            Assert.True(
                response.StatusCode == HttpStatusCode.ServiceUnavailable && response.Headers.RetryAfter is not null && code == "storage_unavailable",
                $"{route} answered {status} (Retry-After: {response.Headers.RetryAfter}): {json.RootElement.GetRawText()}");
            Assert.True(attempt < maxTries, $"{route} still answered 503 after {attempt} tries");
            await Task.Delay(Random.Shared.Next(2, 20));
        }
    }
}
