using System.Collections.Concurrent;

namespace Licensing.Tests.Support;

/// <summary>
/// Records every answer a test's HTTP client receives and checks it against the OpenAPI document as it arrives: an
/// answer the document does not describe (its status for that operation, its media type, its body's schema) fails the
/// call that received it, so a wrong document turns the tests that meet it red.
/// </summary>
public sealed class OpenApiCheckingHandler(OpenApiContract contract) : DelegatingHandler(new HttpClientHandler())
{
    public ConcurrentQueue<RecordedResponse> Recorded { get; } = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var recorded = new RecordedResponse(
            request.Method.Method,
            request.RequestUri!.AbsolutePath,
            (int)response.StatusCode,
            response.Content.Headers.ContentType?.MediaType,
            await response.Content.ReadAsStringAsync(cancellationToken));
        Recorded.Enqueue(recorded);
        var violations = contract.Check(recorded);
        if (violations.Count > 0)
        {
            response.Dispose();
            throw new OpenApiViolationException(string.Join(Environment.NewLine, violations) + Environment.NewLine + "Body: " + recorded.Body);
        }

        return response;
    }
}

public sealed class OpenApiViolationException : Exception
{
    public OpenApiViolationException()
    {
    }

    public OpenApiViolationException(string message)
        : base("The answer departs from the OpenAPI document: " + message)
    {
    }

    public OpenApiViolationException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
