namespace Licensing.Cli;

/// <summary>The options of every command, accepted anywhere on the line.</summary>
internal static class GlobalOptions
{
    public static readonly Option<string> Url = new("--url")
    {
        HelpName = "URL",
        Description = "the server, e.g. https://func-licensing-abc.azurewebsites.net (or LICENSING_URL)",
        Recursive = true,
    };

    public static readonly Option<string> ApiKey = new("--api-key")
    {
        HelpName = "KEY",
        Description = "the API key to call with (or LICENSING_API_KEY): admin commands need an admin key",
        Recursive = true,
    };

    public static readonly Option<int> Timeout = new("--timeout")
    {
        HelpName = "SECONDS",
        Description = "how long one call may take",
        Recursive = true,
        DefaultValueFactory = _ => 30,
        CustomParser = value => ValueParsers.Whole(value, 1, 600),
    };

    public static readonly Option<bool> Json = new("--json")
    {
        Description = "print the server's JSON answer as it sent it (indented), for scripts; a list read with --all is one page of every item",
        Recursive = true,
        CustomParser = ValueParsers.Flag,
    };

    public static IEnumerable<Option> All => [Url, ApiKey, Timeout, Json];
}
