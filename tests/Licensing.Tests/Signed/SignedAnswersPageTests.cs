using System.Security.Cryptography;
using System.Text.Json;
using Licensing.Tests.Support;
using Xunit.Abstractions;

namespace Licensing.Tests.Signed;

/// <summary>docs/signed-answers.md: its Node verifier, run in bash against a real answer, verifies it and prints its signature base.</summary>
public sealed class SignedAnswersPageTests(ITestOutputHelper output) : ReadmeBlockTests
{
    private const string Marker = "signed-answer-verify";

    [Fact]
    public async Task The_pages_node_example_verifies_a_real_answer_and_prints_its_signature_base()
    {
        var run = await RunInFolderAsync(ScriptOf(Marker, blocks: 1));
        output.WriteLine(run.StdOut);
        var keysBody = await Server.Http.GetByteArrayAsync("v1/license/keys");
        var kid = JsonDocument.Parse(keysBody).RootElement.GetProperty("keys")[0].GetProperty("kid").GetString();
        var created = Server.Clock.GetUtcNow().ToUnixTimeSeconds();

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("", run.StdErr);
        Assert.Equal(
            $"""
            "@status": 200
            "content-digest": sha-256=:{Convert.ToBase64String(SHA256.HashData(keysBody))}:
            "licensing-nonce": docs-example-1
            "@signature-params": ("@status" "content-digest" "licensing-nonce");created={created};keyid="{kid}";alg="ecdsa-p256-sha256"
            verified

            """,
            run.StdOut);
    }

    [Fact]
    public async Task The_pages_node_example_refuses_an_answer_whose_body_was_changed()
    {
        var script = ScriptOf(Marker, blocks: 1);
        var saved = "-o answer.body -H 'Licensing-Nonce: docs-example-1' \"$BASE/v1/license/keys\"\n";
        Assert.Contains(saved, script, StringComparison.Ordinal);

        var run = await RunInFolderAsync(script.Replace(saved, saved + "printf ' ' >> answer.body\n", StringComparison.Ordinal));

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("the body does not match Content-Digest", run.StdErr, StringComparison.Ordinal);
    }

    private static async Task<ProcessResult> RunInFolderAsync(string script)
    {
        var folder = Directory.CreateTempSubdirectory("signed-answers-");
        try
        {
            return await ProcessRun.RunAsync("bash", ["-euo", "pipefail", "-c", script], folder.FullName, timeout: TimeSpan.FromMinutes(1));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
