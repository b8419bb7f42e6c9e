namespace Licensing.Tests.Support;

/// <summary>A fenced block of the README: its language, the test marker above it, and its text.</summary>
public sealed record ReadmeBlock(string Language, string? Marker, string Text, int Line);

/// <summary>
/// The README's fenced blocks, each with the <c>&lt;!-- test: ... --&gt;</c> comment on the line before its fence if it has
/// one: the tests run the README's own text, found by marker, so what it shows cannot drift from what works.
/// </summary>
public static class ReadmeBlocks
{
    private const string MarkerStart = "<!-- test: ";
    private const string MarkerEnd = " -->";

    public static string Path { get; } = System.IO.Path.Combine(RepoPaths.Root, "README.md");

    public static IReadOnlyList<ReadmeBlock> All()
    {
        var lines = File.ReadAllLines(Path);
        var blocks = new List<ReadmeBlock>();
        for (var i = 0; i < lines.Length; i++)
        {
            var fence = lines[i].TrimStart();
            if (!fence.StartsWith("```", StringComparison.Ordinal))
            {
                continue;
            }

            var indent = lines[i].Length - fence.Length;
            var language = fence[3..].Trim();
            var marker = i > 0 ? MarkerOf(lines[i - 1].Trim()) : null;
            var body = new List<string>();
            var start = i + 1;
            for (i++; i < lines.Length && lines[i].Trim() != "```"; i++)
            {
                body.Add(lines[i].Length >= indent ? lines[i][indent..] : lines[i].TrimStart());
            }

            blocks.Add(new ReadmeBlock(language, marker, string.Join('\n', body) + "\n", start));
        }

        return blocks;
    }

    /// <summary>The blocks under <c>&lt;!-- test: MARKER --&gt;</c>, in the README's order.</summary>
    public static IReadOnlyList<ReadmeBlock> Marked(string marker) => All().Where(b => b.Marker == marker).ToList();

    private static string? MarkerOf(string line) =>
        line.StartsWith(MarkerStart, StringComparison.Ordinal) && line.EndsWith(MarkerEnd, StringComparison.Ordinal)
            ? line[MarkerStart.Length..^MarkerEnd.Length].Trim()
            : null;
}
