using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Licensing.Bench.Load;

/// <summary>An answer: the status (0 when the call failed without one), the body's bytes and any Retry-After header.</summary>
public readonly record struct ApiAnswer(int Status, byte[] Body, string? RetryAfter = null)
{
    public bool Contains(ReadOnlySpan<byte> text) => Body.AsSpan().IndexOf(text) >= 0;

    public JsonDocument Json() => JsonDocument.Parse(Body.Length == 0 ? "{}"u8.ToArray() : Body);

    /// <summary>A denial's reason code, else null.</summary>
    public string? Reason()
    {
        if (Status != 200 || Body.Length == 0)
        {
            return null;
        }

        using var json = Json();
        return json.RootElement.TryGetProperty("reason", out var reason) ? reason.GetString() : null;
    }
}

/// <summary>
/// The clients' side: plain HTTP/1.1 to the server on 127.0.0.1 through one pooled handler with a connection for
/// every client, request bodies serialised once up front.
/// </summary>
public sealed class ApiClient : IDisposable
{
    /// <summary>A call with no answer by then comes back as status 0.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private static readonly MediaTypeHeaderValue JsonType = MediaTypeHeaderValue.Parse("application/json");
    private readonly HttpClient _http;

    public ApiClient(Uri baseAddress, string apiKey, int connections)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Math.Max(connections, 1) + 4,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        _http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = RequestTimeout };
        ApiKey = apiKey;
    }

    public string ApiKey { get; set; }

    /// <summary>A JSON body from name/value pairs (null values left out).</summary>
    public static byte[] Body(params (string Name, object? Value)[] fields)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in fields)
            {
                switch (value)
                {
                    case null:
                        break;
                    case string s:
                        writer.WriteString(name, s);
                        break;
                    case int i:
                        writer.WriteNumber(name, i);
                        break;
                    case TimeSpan duration:
                        writer.WriteStartObject(name);
                        writer.WriteNumber("seconds", (long)duration.TotalSeconds);
                        writer.WriteNumber("nanos", 0);
                        writer.WriteEndObject();
                        break;
                    case JsonElement element:
                        writer.WritePropertyName(name);
                        element.WriteTo(writer);
                        break;
                    default:
                        throw new ArgumentException($"unsupported value for {name}", nameof(fields));
                }
            }

            writer.WriteEndObject();
        }

        return stream.ToArray();
    }

    /// <summary>POSTs a JSON body; transport failures come back as status 0, never as an exception.</summary>
    public async Task<ApiAnswer> PostAsync(string route, byte[] body, CancellationToken ct, string? apiKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, route);
        request.Headers.TryAddWithoutValidation("x-api-key", apiKey ?? ApiKey);
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = JsonType;
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
            return new ApiAnswer(
                (int)response.StatusCode,
                await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false),
                response.Headers.TryGetValues("Retry-After", out var retryAfter) ? string.Join(",", retryAfter) : null);
        }
        catch (HttpRequestException ex)
        {
            return new ApiAnswer(0, Encoding.UTF8.GetBytes(ex.Message));
        }
        catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
        {
            return new ApiAnswer(0, Encoding.UTF8.GetBytes(ex.Message));
        }
    }

    /// <summary>An admin call that must succeed: its JSON body.</summary>
    public async Task<JsonDocument> AdminAsync(string route, byte[] body, string adminKey, CancellationToken ct)
    {
        var answer = await PostAsync(route, body, ct, adminKey).ConfigureAwait(false);
        return answer.Status is 200 or 201
            ? answer.Json()
            : throw new InvalidOperationException($"POST {route} answered {answer.Status}: {Encoding.UTF8.GetString(answer.Body)}");
    }

    public void Dispose() => _http.Dispose();
}
