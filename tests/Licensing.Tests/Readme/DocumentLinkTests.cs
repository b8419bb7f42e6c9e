using System.Text.RegularExpressions;
using Licensing.Tests.Support;

namespace Licensing.Tests.Readme;

/// <summary>
/// Every relative link and anchor in README.md and docs/ leads somewhere: a file or folder of the repository, and a
/// heading of the page it names (GitHub's anchors: lower case, punctuation dropped, spaces as hyphens, repeats numbered).
/// </summary>
public sealed partial class DocumentLinkTests
{
    public static TheoryData<string> Documents()
    {
        var data = new TheoryData<string>();
        foreach (var document in ReadmeBlocks.Documents())
        {
            data.Add(Path.GetRelativePath(RepoPaths.Root, document));
        }

        return data;
    }

    [Fact]
    public void The_readme_and_a_page_for_each_reader_are_the_documents_checked()
    {
        var documents = ReadmeBlocks.Documents().Select(d => Path.GetRelativePath(RepoPaths.Root, d).Replace('\\', '/')).ToList();

        Assert.Equal("README.md", documents[0]);
        Assert.Subset(
            documents.ToHashSet(),
            new HashSet<string> { "docs/client-apps.md", "docs/licensing-model.md", "docs/admin.md", "docs/webhooks.md", "docs/deploying.md", "docs/operating.md", "docs/security.md", "docs/performance.md", "docs/storage.md", "docs/contributing.md" });
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Every_relative_link_of_the_document_names_a_file_and_an_anchor_that_exist(string document)
    {
        var broken = BrokenLinks(Path.Combine(RepoPaths.Root, document));

        Assert.Empty(broken);
    }

    [Fact]
    public void A_link_to_a_missing_file_or_heading_is_found()
    {
        var page = Path.Combine(Path.GetTempPath(), $"links-{Guid.NewGuid():N}.md");
        File.WriteAllText(page, "# Title\n\n## The cost of a seat\n\n[ok](#the-cost-of-a-seat) [gone](#no-such-heading) [file](no-such-file.md) `[code](#skipped)`\n\n```\n[in a block](#skipped)\n```\n");
        try
        {
            Assert.Equal(["line 5: #no-such-heading", "line 5: no-such-file.md"], BrokenLinks(page));
        }
        finally
        {
            File.Delete(page);
        }
    }

    [Fact]
    public void The_readme_stays_short_enough_to_read_in_five_minutes()
    {
        var lines = File.ReadAllLines(ReadmeBlocks.Path);

        Assert.True(lines.Length <= 200, $"README.md has {lines.Length} lines; a topic that needs more belongs in docs/.");
        Assert.Contains(lines, l => l.Contains("scripts/run-local.sh", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("scripts/test.sh", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Every_page_of_docs_opens_with_its_title_and_who_it_is_for(string document)
    {
        if (!document.Replace('\\', '/').StartsWith("docs/", StringComparison.Ordinal))
        {
            return;
        }

        var lines = File.ReadAllLines(Path.Combine(RepoPaths.Root, document)).Where(l => l.Trim().Length > 0).Take(2).ToList();

        Assert.Equal(2, lines.Count);
        Assert.StartsWith("# ", lines[0]);
        Assert.StartsWith("For ", lines[1]);
    }

    /// <summary>The links of one Markdown file that lead nowhere, as "line N: target".</summary>
    private static List<string> BrokenLinks(string document)
    {
        var broken = new List<string>();
        var inBlock = false;
        var lines = File.ReadAllLines(document);
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inBlock = !inBlock;
                continue;
            }

            if (inBlock)
            {
                continue;
            }

            foreach (Match link in LinkTarget().Matches(InlineCode().Replace(lines[i], "")))
            {
                var target = link.Groups[1].Value;
                if (Scheme().IsMatch(target))
                {
                    continue;
                }

                var hash = target.IndexOf('#', StringComparison.Ordinal);
                var path = hash < 0 ? target : target[..hash];
                var anchor = hash < 0 ? "" : target[(hash + 1)..];
                var file = path.Length == 0 ? document : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(document)!, path));
                if (!File.Exists(file) && !Directory.Exists(file))
                {
                    broken.Add($"line {i + 1}: {target}");
                }
                else if (anchor.Length > 0 && file.EndsWith(".md", StringComparison.Ordinal) && !Anchors(file).Contains(anchor))
                {
                    broken.Add($"line {i + 1}: {target}");
                }
            }
        }

        return broken;
    }

    /// <summary>The anchors GitHub gives a Markdown file's headings.</summary>
    private static HashSet<string> Anchors(string file)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var inBlock = false;
        foreach (var line in File.ReadLines(file))
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inBlock = !inBlock;
                continue;
            }

            var heading = Heading().Match(line);
            if (inBlock || !heading.Success)
            {
                continue;
            }

            var slug = NotSlug().Replace(heading.Groups[1].Value.Trim().ToLowerInvariant(), "").Replace(' ', '-');
            var count = seen.GetValueOrDefault(slug);
            seen[slug] = count + 1;
            anchors.Add(count == 0 ? slug : $"{slug}-{count}");
        }

        return anchors;
    }

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex LinkTarget();

    [GeneratedRegex("`[^`]*`")]
    private static partial Regex InlineCode();

    [GeneratedRegex("^[a-z][a-z0-9+.-]*:", RegexOptions.IgnoreCase)]
    private static partial Regex Scheme();

    [GeneratedRegex("^#{1,6} (.*)$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"[^\w\- ]")]
    private static partial Regex NotSlug();
}
