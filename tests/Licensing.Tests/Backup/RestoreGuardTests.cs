using System.IO.Compression;
using System.Text;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Licensing.Backup;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Tests.Backup;

/// <summary>What a restore refuses: an account that already holds rows (unless --force), and a backup its manifest does not match.</summary>
[Trait("Category", "Slow")]
[Collection(SlowTests.Name)]
public sealed class RestoreGuardTests
{
    private const int Floating = 2;

    [Fact]
    public async Task A_restore_into_tables_holding_rows_is_refused_without_force_and_replaces_them_with_it()
    {
        var container = "backups-" + Guid.NewGuid().ToString("N")[..12];
        await using var server = await ServerFixture.StartAsync(s => s["Licensing:BackupContainer"] = container);
        var license = await server.CreateLicenseAsync(Floating, seats: 2);
        var run = await server.Services.GetRequiredService<BackupService>().RunAsync(CancellationToken.None);
        await server.SendAsync(HttpMethod.Patch, $"v1/admin/licenses/{license.LicenseId}", new { maxClientCount = 9 }, ServerFixture.AdminKey);

        var refused = await RestoreScriptAsync("--from", $"{container}/{run!.BackupId}", "--to", TestStorage.ConnectionString, "--table-prefix", server.TablePrefix);
        var seatsAfterRefusal = (await server.StoredLicenseRowAsync(license.LicenseId))!.GetInt32("MaxClientCount");
        var forced = await RestoreScriptAsync("--from", container, "--to", TestStorage.ConnectionString, "--table-prefix", server.TablePrefix, "--force");
        var seatsAfterForce = (await server.StoredLicenseRowAsync(license.LicenseId))!.GetInt32("MaxClientCount");

        Assert.True(refused.ExitCode == 3, refused.ToString());
        Assert.Equal(
            $"licensing: refused: the target already holds rows in {server.TablePrefix}Licenses, {server.TablePrefix}ApiKeys, {server.TablePrefix}LicenseCatalog; restore into an empty account, or pass --force to replace its rows\n",
            refused.StdErr);
        Assert.Equal(9, seatsAfterRefusal);
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.Equal(2, seatsAfterForce);
    }

    [Fact]
    public async Task A_backup_whose_part_does_not_match_its_manifest_writes_nothing()
    {
        var container = "backups-" + Guid.NewGuid().ToString("N")[..12];
        await using var server = await ServerFixture.StartAsync(s => s["Licensing:BackupContainer"] = container);
        await server.CreateLicenseAsync(Floating, seats: 2);
        var run = await server.Services.GetRequiredService<BackupService>().RunAsync(CancellationToken.None);
        var blobs = new BlobServiceClient(TestStorage.ConnectionString).GetBlobContainerClient(container);
        var part = BackupLayout.PartBlob(run!.BackupId, "LicenseCatalog", 0);
        await blobs.GetBlobClient(part).UploadAsync(Gzip("{\"PartitionKey\":\"license\",\"RowKey\":\"lic_forged\",\"properties\":{}}\n"), overwrite: true);
        var target = TestStorage.NewTablePrefix();

        var result = await RestoreScriptAsync("--from", $"{container}/{run.BackupId}", "--to", TestStorage.ConnectionString, "--table-prefix", target);

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.StartsWith($"licensing: the backup does not hold what its manifest says, nothing was written: Table LicenseCatalog: part {part} has SHA-256 ", result.StdErr, StringComparison.Ordinal);
        var service = new TableServiceClient(TestStorage.ConnectionString);
        var created = new List<string>();
        await foreach (var table in service.QueryAsync(t => t.Name.CompareTo(target) >= 0 && t.Name.CompareTo(target + "~") < 0))
        {
            created.Add(table.Name);
        }

        Assert.Empty(created);
    }

    private static Task<ProcessResult> RestoreScriptAsync(params string[] arguments) =>
        ProcessRun.RunAsync("bash", ["scripts/restore.sh", .. arguments], environment: new Dictionary<string, string> { ["CONFIGURATION"] = RepoPaths.Configuration }, timeout: TimeSpan.FromMinutes(2));

    private static BinaryData Gzip(string text)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        return new BinaryData(buffer.ToArray());
    }
}
