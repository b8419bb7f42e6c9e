using Licensing.Tests.Support;

namespace Licensing.Tests.Readme;

/// <summary>docs/backups.md's spreadsheet migration (the block marked <c>import-spreadsheet</c>), run in bash with the built CLI as <c>licensing</c>.</summary>
[Trait("Category", "Slow")]
[Collection(SlowTests.Name)]
public sealed class DocsBackupsTests : ReadmeBlockTests
{
    [Fact]
    public async Task The_spreadsheet_migration_creates_two_licenses_reports_two_rows_and_creates_none_the_second_time()
    {
        var work = Directory.CreateTempSubdirectory("licensing-docs-import-");
        try
        {
            var script = $"""
                licensing() {"{"} dotnet "{CliPaths.Dll}" "$@"; {"}"}
                BASE={Server.Http.BaseAddress!.ToString().TrimEnd('/')}
                ADMIN_KEY={SampleAdminKey()}
                """ + "\n" + Assert.Single(ReadmeBlocks.Marked("import-spreadsheet")).Text;

            var run = await ProcessRun.RunAsync("bash", ["-euo", "pipefail", "-c", script], work.FullName, timeout: TimeSpan.FromMinutes(2));

            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Equal("", run.StdErr);
            Assert.Equal(
                [
                    "import (dry run): 3 rows to create or skip, 1 failed (see customers.csv.errors)",
                    "import: 3/3 rows",
                    "import: 2 created, 0 skipped (already imported), 2 failed (see customers.csv.errors)",
                    "line 4: userKey: must be 20 to 128 characters with at least 10 different ones, without control characters or surrounding spaces.\tGAMMA-short,floating,1,Gamma GmbH,,",
                    "line 5: maxClientCount: 'many' is not a whole number\tDELTA-M4P7-C2V9-XB3N-0004,floating,many,Delta AG,,",
                    "import: 3/3 rows",
                    "import: 0 created, 2 skipped (already imported), 2 failed (see customers.csv.errors)",
                    "1",
                ],
                run.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.StartsWith("import: 3/3", StringComparison.Ordinal) ? "import: 3/3 rows" : l));
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }
}
