using Licensing.Tests.Support;

namespace Licensing.Tests.Readme;

/// <summary>The C# programs of the README and docs/, taken by their markers, compile as a new console app builds them.</summary>
public sealed class ReadmeProgramTests
{
    public static TheoryData<string> Programs()
    {
        var data = new TheoryData<string>();
        foreach (var block in ReadmeBlocks.All().Where(b => b.Language == "csharp"))
        {
            data.Add(block.Marker ?? $"(unmarked, {block.File} line {block.Line})");
        }

        return data;
    }

    [Fact]
    public void Every_csharp_block_of_the_readme_and_docs_is_a_program_the_tests_compile()
    {
        var blocks = ReadmeBlocks.All().Where(b => b.Language == "csharp").ToList();

        Assert.NotEmpty(blocks);
        Assert.All(blocks, b => Assert.True(b.Marker?.StartsWith("program ", StringComparison.Ordinal) == true, $"the csharp block at {b.File} line {b.Line} has no '<!-- test: program ... -->' marker"));
        Assert.Equal(blocks.Count, blocks.Select(b => b.Marker).Distinct().Count());
        Assert.Subset(new HashSet<string> { "Licensing.Client", "Azure.Identity" }, blocks.SelectMany(ReadmePrograms.PackagesOf).ToHashSet());
    }

    [Theory]
    [MemberData(nameof(Programs))]
    public void The_program_compiles_with_no_error_and_no_warning(string marker)
    {
        var block = Assert.Single(ReadmeBlocks.Marked(marker));

        var problems = ReadmePrograms.Problems(ReadmePrograms.Compile(block));

        Assert.Empty(problems);
    }

    [Fact]
    public void The_sdk_program_takes_its_keys_from_the_environment_and_gives_its_seat_back_on_sigint_and_sigterm()
    {
        var program = Assert.Single(ReadmeBlocks.Marked("program Licensing.Client")).Text;

        Assert.Contains("using Licensing.Client;", program);
        Assert.Contains("Environment.GetEnvironmentVariable(\"LICENSING_API_KEY\")", program);
        Assert.Contains("Environment.GetEnvironmentVariable(\"LICENSING_USER_KEY\")", program);
        Assert.Contains("PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop)", program);
        Assert.Contains("PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop)", program);
        Assert.Contains("await using var lease", program);
    }
}
