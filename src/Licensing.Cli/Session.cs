using Licensing.Client;

namespace Licensing.Cli;

/// <summary>
/// One run of a command: its parameters and options, where its output goes, and the SDK clients built from
/// <c>--url</c>/<c>LICENSING_URL</c> and <c>--api-key</c>/<c>LICENSING_API_KEY</c>.
/// </summary>
internal sealed class Session(Arguments args, IReadOnlyList<string> parameters, Output output) : IDisposable
{
    private readonly List<IDisposable> _owned = [];

    public Arguments Args { get; } = args;

    /// <summary>The command's positional parameters (an ID, a TOKEN), in order.</summary>
    public IReadOnlyList<string> Parameters { get; } = parameters;

    public Output Out { get; } = output;

    /// <summary>The admin API; needs an admin-scoped key.</summary>
    public LicensingAdminClient Admin() => Own(new LicensingAdminClient(NewHttpClient(), Options(keyRequired: true)));

    /// <summary>The client calls; needs a key unless <paramref name="keyRequired"/> is false (the public keys).</summary>
    public LicensingClient Client(bool keyRequired = true) => Own(new LicensingClient(NewHttpClient(), Options(keyRequired)));

    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
    }

    private LicensingClientOptions Options(bool keyRequired)
    {
        var url = Args.Value("--url") ?? Environment.GetEnvironmentVariable("LICENSING_URL");
        if (string.IsNullOrWhiteSpace(url))
        {
            throw new UsageException("no server URL: pass --url or set LICENSING_URL");
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var baseAddress) || (baseAddress.Scheme != Uri.UriSchemeHttp && baseAddress.Scheme != Uri.UriSchemeHttps))
        {
            throw new UsageException($"the server URL '{url}' is not an absolute http(s) URL");
        }

        var apiKey = Args.Value("--api-key") ?? Environment.GetEnvironmentVariable("LICENSING_API_KEY");
        if (string.IsNullOrWhiteSpace(apiKey) && keyRequired)
        {
            throw new UsageException("no API key: pass --api-key or set LICENSING_API_KEY");
        }

        return new LicensingClientOptions
        {
            BaseAddress = baseAddress,
            ApiKey = apiKey ?? "",
            Timeout = TimeSpan.FromSeconds(Args.Int("--timeout", 1, 600) ?? 30),
        };
    }

    private HttpClient NewHttpClient() => Own(new HttpClient { Timeout = Timeout.InfiniteTimeSpan });

    private T Own<T>(T disposable)
        where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }
}
