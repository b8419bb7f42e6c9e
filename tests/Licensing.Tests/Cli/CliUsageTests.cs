using Licensing.Tests.Support;

namespace Licensing.Tests.Cli;

/// <summary>
/// The <c>licensing</c> CLI's command line, run as a real process without a server: each kind of mistake is one line
/// on stderr that names it, with exit code 2; the help is generated from the declared commands and options.
/// </summary>
[Collection(SlowTests.Name)]
[Trait("Category", "Slow")]
public sealed class CliUsageTests
{
    private static readonly string CliDll = Path.Combine(
        RepoPaths.Root, "src", "Licensing.Cli", "bin", RepoPaths.Configuration, "net10.0", "Licensing.Cli.dll");

    [Theory]
    [InlineData("option '--seats' needs a value", "licenses", "create", "--mode", "floating", "--seats")]
    [InlineData("option '--seats' is required", "licenses", "create", "--mode", "floating")]
    [InlineData("option '--user-key' is required", "request", "--user-key", "", "--machine-id", "m1")]
    [InlineData("option '--url' is given more than once", "licenses", "list", "--url", "http://127.0.0.1:1", "--url", "http://127.0.0.1:2")]
    [InlineData("option '--json' takes no value", "licenses", "list", "--json=yes")]
    [InlineData("option '--all' takes no value", "licenses", "list", "--all=true")]
    [InlineData("option '--seats' needs a whole number from 1 to 2147483647, not '0'", "licenses", "create", "--mode", "file", "--seats", "0")]
    [InlineData("option '--timeout' needs a whole number from 1 to 600, not '601'", "licenses", "list", "--timeout", "601")]
    [InlineData("option '--mode' must be floating, activation or file, not 'hourly'", "licenses", "create", "--mode", "hourly", "--seats", "1")]
    [InlineData("option '--scope' must be client or admin, not 'root'", "keys", "create", "--name", "app", "--scope", "root")]
    [InlineData("option '--expires' needs a date such as 2030-01-01 or 2030-01-01T12:00:00Z, not 'tomorrow'", "licenses", "update", "lic_1", "--expires", "tomorrow")]
    [InlineData("options '--suspend' and '--resume' exclude each other", "licenses", "update", "lic_1", "--suspend", "--resume")]
    [InlineData("unknown option '--colour'", "licenses", "list", "--colour", "red")]
    [InlineData("option '--all' does not apply to 'keys list'", "keys", "list", "--all")]
    [InlineData("option '--seats' does not apply to 'licenses show'", "licenses", "show", "lic_1", "--seats", "3")]
    [InlineData("option '--seats' goes after 'licenses create'", "--seats", "5", "licenses", "create", "--mode", "floating")]
    [InlineData("no command given")]
    [InlineData("unknown command 'licenses frob'", "licenses", "frob")]
    [InlineData("'licenses' needs one of: create, list, show, update, delete, usage, events, revoke-token, reset-meter, export, import", "licenses", "--seats", "5")]
    [InlineData("'licenses revoke-token' needs TOKEN", "licenses", "revoke-token", "lic_1")]
    [InlineData("'licenses show' takes 1 parameter(s), got 2", "licenses", "show", "lic_1", "extra")]
    [InlineData("'licenses reset-meter' needs CODE", "licenses", "reset-meter", "lic_1")]
    [InlineData("option '--meter' needs CODE[=LIMIT][/PERIOD][+OVERAGE] such as exports=1000/month+50, not 'exports=10/hour'", "licenses", "update", "lic_1", "--meter", "exports=10/hour")]
    [InlineData("options '--meter' and '--no-meters' exclude each other", "policies", "update", "pol_1", "--meter", "exports", "--no-meters")]
    [InlineData("unknown command 'frob'", "help", "frob")]
    public async Task A_mistake_on_the_line_exits_2_with_one_line_that_names_it(string mistake, params string[] args)
    {
        var result = await RunAsync(args);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"licensing: {mistake}; run 'licensing --help'\n", result.StdErr);
        Assert.Equal("", result.StdOut);
    }

    [Fact]
    public async Task The_overview_shows_each_command_with_the_parameters_and_options_it_declares()
    {
        var help = await RunAsync("--help");

        Assert.Equal(0, help.ExitCode);
        var lines = help.StdOut.Split('\n');
        Assert.Contains("  licenses revoke-token <ID> <TOKEN>", lines);
        Assert.Contains("  keys create --name <NAME> --scope <client|admin> [--product <ID>]", lines);
        Assert.Contains("  heartbeat --token <TOKEN> --machine-id <ID> [--client-id <ID>]", lines);
        Assert.Contains("  --timeout <SECONDS>  how long one call may take (default 30)", lines);
        Assert.Equal("", help.StdErr);
    }

    [Fact]
    public async Task A_commands_help_lists_each_of_its_options_with_what_it_means()
    {
        var help = await RunAsync("licenses", "update", "--help");

        Assert.Equal(0, help.ExitCode);
        var lines = help.StdOut.Split('\n').Select(l => l.Trim()).ToList();
        Assert.Contains("licensing licenses update <ID> [options]", lines);
        Assert.Contains(lines, l => l.StartsWith("--seats <N>", StringComparison.Ordinal) && l.EndsWith("the new number of seats or machines", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("--suspend", StringComparison.Ordinal) && l.EndsWith("stop its seats being granted, until --resume", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("--mode", StringComparison.Ordinal));
        Assert.Equal("", help.StdErr);
    }

    private static Task<ProcessResult> RunAsync(params string[] args)
    {
        Assert.True(File.Exists(CliDll), $"The CLI is not built at {CliDll}");
        return ProcessRun.RunAsync("dotnet", [CliDll, .. args], environment: new Dictionary<string, string>
        {
            ["LICENSING_URL"] = "",
            ["LICENSING_API_KEY"] = "",
            ["DOTNET_NOLOGO"] = "1",
        });
    }
}
