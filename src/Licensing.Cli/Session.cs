namespace Licensing.Cli;

/// <summary>
/// One run of a command: its parsed parameters and options, where its output goes, and the SDK clients built from
/// <c>--url</c>/<c>LICENSING_URL</c> and <c>--api-key</c>/<c>LICENSING_API_KEY</c>.
/// </summary>
internal sealed class Session(ParseResult line, Output output) : IDisposable
{
    private readonly List<IDisposable> _owned = [];
    private readonly AnswerRecorder _answers = new();

    public Output Out { get; } = output;

    /// <summary>The value of an option of the command; its default (or null) when it was not given.</summary>
    public T? Get<T>(Option<T> option) => line.GetValue(option);

    /// <summary>The value of a required option or parameter (the parser has checked that it was given).</summary>
    public T Required<T>(Option<T> option) => line.GetRequiredValue(option);

    public T Required<T>(Argument<T> parameter) => line.GetRequiredValue(parameter);

    /// <summary>The admin API; needs an admin-scoped key.</summary>
    public LicensingAdminClient Admin() => Own(new LicensingAdminClient(NewHttpClient(), Options(keyRequired: true)));

    /// <summary>The client calls; needs a key unless <paramref name="keyRequired"/> is false (the public keys).</summary>
    public LicensingClient Client(bool keyRequired = true) => Own(new LicensingClient(NewHttpClient(), Options(keyRequired)));

    /// <summary>With <c>--json</c>: prints the server's answers to this run's calls as it sent them.</summary>
    public void PrintAnswer() => Out.ServerJson(_answers.Bodies);

    /// <summary>With <c>--json</c> the server's answer as it sent it, else these fields, one a line; exit code 0.</summary>
    public int Show(IEnumerable<(string Key, object? Value)> fields)
    {
        if (Out.Json)
        {
            PrintAnswer();
        }
        else
        {
            Out.Fields(fields);
        }

        return 0;
    }

    /// <summary>
    /// With <c>--json</c> the server's answer as it sent it (every page of it with <c>--all</c>), else a table, and a
    /// line saying that <paramref name="more"/> exist when a continuation token is left; exit code 0.
    /// </summary>
    public int ShowTable(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<object?>> rows, string? continuationToken = null, string more = "")
    {
        if (Out.Json)
        {
            PrintAnswer();
            return 0;
        }

        Out.Table(headers, rows);
        if (!string.IsNullOrEmpty(continuationToken))
        {
            Out.Out.WriteLine($"({more}: add --all to list them all)");
        }

        return 0;
    }

    /// <summary>A delete, which the server answers with no body: <c>--json</c> prints <c>{idName: id, deleted: true}</c>.</summary>
    public int ShowDeleted(string idName, string id, string what)
    {
        if (Out.Json)
        {
            Out.Document(new Dictionary<string, object> { [idName] = id, ["deleted"] = true });
        }
        else
        {
            Out.Out.WriteLine($"Deleted {what} {id}.");
        }

        return 0;
    }

    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        _answers.Dispose();
    }

    private LicensingClientOptions Options(bool keyRequired)
    {
        var url = Get(GlobalOptions.Url) ?? Environment.GetEnvironmentVariable("LICENSING_URL");
        if (string.IsNullOrWhiteSpace(url))
        {
            throw new UsageException($"no server URL: pass {GlobalOptions.Url.Name} or set LICENSING_URL");
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var baseAddress) || (baseAddress.Scheme != Uri.UriSchemeHttp && baseAddress.Scheme != Uri.UriSchemeHttps))
        {
            throw new UsageException($"the server URL '{url}' is not an absolute http(s) URL");
        }

        var apiKey = Get(GlobalOptions.ApiKey) ?? Environment.GetEnvironmentVariable("LICENSING_API_KEY");
        if (string.IsNullOrWhiteSpace(apiKey) && keyRequired)
        {
            throw new UsageException($"no API key: pass {GlobalOptions.ApiKey.Name} or set LICENSING_API_KEY");
        }

        return new LicensingClientOptions
        {
            BaseAddress = baseAddress,
            ApiKey = apiKey ?? "",
            Timeout = TimeSpan.FromSeconds(Get(GlobalOptions.Timeout)),
        };
    }

    private HttpClient NewHttpClient() => Own(new HttpClient(_answers, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan });

    private T Own<T>(T disposable)
        where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }
}
