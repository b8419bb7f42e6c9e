namespace Licensing.Cli;

/// <summary>
/// Keeps the body of every successful answer as the server sent it, so that <c>--json</c> prints the server's own
/// JSON (its timestamps as <c>{"seconds", "nanos"}</c>, its numbers and names) rather than the SDK's reading of it.
/// </summary>
internal sealed class AnswerRecorder() : DelegatingHandler(new SocketsHttpHandler())
{
    private readonly List<string> _bodies = [];

    /// <summary>The bodies of the successful answers so far, oldest first (a 204 has none).</summary>
    public IReadOnlyList<string> Bodies => _bodies;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode && !IsKeysFetchedToCheckAnAnswer(request))
        {
            // Buffered, so the SDK reads the same body again after this.
            await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (body.Length > 0)
            {
                _bodies.Add(body);
            }
        }

        return response;
    }

    /// <summary>
    /// The public keys asked for after another answer: the SDK fetching them to check that answer's signature, not
    /// the command's own call (<c>keys list</c> asks for them first).
    /// </summary>
    private bool IsKeysFetchedToCheckAnAnswer(HttpRequestMessage request) =>
        _bodies.Count > 0 && request.Method == HttpMethod.Get && request.RequestUri?.AbsolutePath.EndsWith("/v1/license/keys", StringComparison.Ordinal) == true;
}
