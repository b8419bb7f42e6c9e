using System.Text.Json;

namespace Licensing.Tests.Support;

/// <summary>
/// A test class of README examples: its own local host, started with the admin key of local.settings.sample.json, and
/// the README's blocks marked with one name run in one bash shell against it, as a reader pastes them.
/// </summary>
public abstract class ReadmeBlockTests : IAsyncLifetime
{
    private const string ReadmeBase = "BASE=http://127.0.0.1:7071";

    protected ServerFixture Server { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Server = await ServerFixture.StartAsync(settings => settings["Licensing:AdminApiKey"] = SampleAdminKey());

    public Task DisposeAsync() => Server.DisposeAsync();

    /// <summary>The admin key a reader's local host has: the one local.settings.sample.json sets.</summary>
    protected static string SampleAdminKey()
    {
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "local.settings.sample.json")));
        return sample.RootElement.GetProperty("Values").GetProperty("Licensing__AdminApiKey").GetString()!;
    }

    /// <summary>The blocks marked <paramref name="marker"/>, as many as expected, with the README's BASE pointed at this server.</summary>
    protected string ScriptOf(string marker, int blocks) => ScriptOf((marker, blocks));

    /// <summary>
    /// The blocks of several markers, one marker after the other (a walk that goes on from one page to the next in the
    /// same shell), each with as many blocks as expected, with the README's BASE pointed at this server.
    /// </summary>
    protected string ScriptOf(params (string Marker, int Blocks)[] parts)
    {
        var texts = new List<string>();
        foreach (var (marker, blocks) in parts)
        {
            var marked = ReadmeBlocks.Marked(marker);
            Assert.Equal(blocks, marked.Count);
            texts.AddRange(marked.Select(b => b.Text));
        }

        return string.Join('\n', texts)
            .Replace(ReadmeBase, "BASE=" + Server.Http.BaseAddress!.ToString().TrimEnd('/'), StringComparison.Ordinal);
    }

    /// <summary>Runs the marked blocks; the shell must exit 0 with nothing on stderr. Returns every command with its output.</summary>
    protected async Task<IReadOnlyList<WalkthroughStep>> RunBlocksAsync(string marker, int blocks)
    {
        var (steps, run) = await Walkthrough.RunAsync(ScriptOf(marker, blocks), TimeSpan.FromMinutes(2));
        Assert.True(run.ExitCode == 0, string.Join("\n", steps) + "\nstderr:\n" + run.StdErr);
        Assert.Equal("", run.StdErr);
        return steps;
    }

    /// <summary>The output of the one step whose command starts with <paramref name="commandStart"/>.</summary>
    protected static string Output(IReadOnlyList<WalkthroughStep> steps, string commandStart) =>
        Assert.Single(steps, s => s.Command.StartsWith(commandStart, StringComparison.Ordinal)).Output;
}
