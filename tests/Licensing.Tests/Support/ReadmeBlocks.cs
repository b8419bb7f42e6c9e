namespace Licensing.Tests.Support;

/// <summary>A fenced block of the README or a page of docs/: its file, language, the test marker above it, and its text.</summary>
public sealed record ReadmeBlock(string Language, string? Marker, string Text, int Line, string File = "README.md");

/// <summary>
/// The fenced blocks of README.md and of every page under docs/, each with the <c>&lt;!-- test: ... --&gt;</c> comment on
/// the line before its fence if it has one: the tests run the documents' own text, found by marker (a marker names one
/// place in the whole set), so what they show cannot drift from what works.
/// </summary>
public static class ReadmeBlocks
{
    private const string MarkerStart = "<!-- test: ";
    private const string MarkerEnd = " -->";

    public static string Path { get; } = System.IO.Path.Combine(RepoPaths.Root, "README.md");

    /// <summary>README.md, then the pages of docs/ in name order: every document whose examples the tests run.</summary>
    public static IReadOnlyList<string> Documents()
    {
        var docs = System.IO.Path.Combine(RepoPaths.Root, "docs");
        var pages = Directory.Exists(docs)
            ? Directory.GetFiles(docs, "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            : Enumerable.Empty<string>();
        return [Path, .. pages];
    }

    public static IReadOnlyList<ReadmeBlock> All() => Documents().SelectMany(BlocksOf).ToList();

    /// <summary>The blocks under <c>&lt;!-- test: MARKER --&gt;</c>, in document order.</summary>
    public static IReadOnlyList<ReadmeBlock> Marked(string marker) => All().Where(b => b.Marker == marker).ToList();

    private static IEnumerable<ReadmeBlock> BlocksOf(string document)
    {
        var name = System.IO.Path.GetRelativePath(RepoPaths.Root, document).Replace('\\', '/');
        var lines = File.ReadAllLines(document);
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

            blocks.Add(new ReadmeBlock(language, marker, string.Join('\n', body) + "\n", start, name));
        }

        return blocks;
    }

    private static string? MarkerOf(string line) =>
        line.StartsWith(MarkerStart, StringComparison.Ordinal) && line.EndsWith(MarkerEnd, StringComparison.Ordinal)
            ? line[MarkerStart.Length..^MarkerEnd.Length].Trim()
            : null;
}
