using System.Security.Cryptography;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Licensing.Backup;
using Licensing.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Tests.Backup;

/// <summary>
/// A server's every table backed up by the timer's service, every table deleted, the backup restored by the CLI, and a
/// new server on the restored tables working as the old one did.
/// </summary>
[Trait("Category", "Slow")]
[Collection(SlowTests.Name)]
public sealed class BackupRestoreTests
{
    private const int File = 0;
    private const int Activation = 1;
    private const int Floating = 2;
    private const int BulkPartitions = 100;
    private const int BulkRowsPerPartition = 100;
    private static readonly string[] SeatEvents = ["seat.*"];
    private static readonly string[] LicenseEvents = ["license.*"];
    private static readonly string[] Pro = ["pro"];

    [Fact]
    public async Task A_backup_cut_off_and_resumed_restores_every_row_exactly_and_the_server_works_on_the_restored_tables()
    {
        var clock = new TestClock();
        var signingKey = NewSigningKey();
        var container = NewContainerName();
        var original = await ServerFixture.StartAsync(s => Adjust(s, signingKey, container), clock: clock);
        var prefix = original.TablePrefix;
        var clientKey = original.ClientKey;
        var (kept, keptToken, lapsing, lapsingToken) = await SeedAsync(original);
        var tables = original.Tables.All;
        var before = await TableSnapshot.TakeAsync(tables);
        var backups = original.Services.GetRequiredService<BackupService>();

        var cutOff = await backups.RunAsync(CancellationToken.None, maxParts: 1);
        var resumed = await backups.RunAsync(CancellationToken.None);
        await original.DisposeAsync();
        foreach (var (_, table) in tables)
        {
            await table.DeleteAsync();
        }

        var restore = await RestoreAsync(container, prefix);
        var after = await TableSnapshot.TakeAsync(tables);
        clock.Advance(TimeSpan.FromMinutes(10));
        await using var restored = await ServerFixture.StartAsync(s => Adjust(s, signingKey, container, prefix), clock: clock);

        Assert.True(before.Count >= 10_000, $"seeded {before.Count} rows");
        Assert.Equal(new BackupRun(cutOff!.BackupId, Complete: false, Resumed: false, Parts: 1, Rows: 5000), cutOff);
        Assert.Equal(new BackupRun(cutOff.BackupId, Complete: true, Resumed: true, Parts: resumed!.Parts, Rows: before.Count - 5000), resumed);
        Assert.True(restore.ExitCode == 0, restore.ToString());
        Assert.Equal($"restore: done, {before.Count} rows in 5 tables", restore.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]);
        Assert.Empty(TableSnapshot.Differences(before, after));

        var keptBeat = await HeartbeatAsync(restored, clientKey, keptToken, "m-kept");
        var lapsedBeat = await HeartbeatAsync(restored, clientKey, lapsingToken, "m-lapsing");
        var full = (await restored.CallAsync("v1/license/request", new { kept.UserKey, machineId = "m-other" })).RootElement;
        var freed = (await restored.CallAsync("v1/license/request", new { lapsing.UserKey, machineId = "m-other" })).RootElement;

        Assert.True(keptBeat.GetProperty("active").GetBoolean(), keptBeat.GetRawText());
        Assert.False(lapsedBeat.GetProperty("active").GetBoolean(), lapsedBeat.GetRawText());
        Assert.Equal("token_expired", lapsedBeat.GetProperty("reason").GetString());
        Assert.Equal("seats_exhausted", full.GetProperty("reason").GetString());
        Assert.True(freed.GetProperty("granted").GetBoolean(), freed.GetRawText());
        Assert.Equal(1, freed.GetProperty("activeClientCount").GetInt32());
    }

    /// <summary>
    /// Licenses of every mode with live seats, lapsed and ended leases and their events, policies, webhooks, API keys,
    /// and bulk rows holding every property type a table stores, written a partition per transaction.
    /// </summary>
    private static async Task<(License Kept, string KeptToken, License Lapsing, string LapsingToken)> SeedAsync(ServerFixture server)
    {
        await server.AdminPostAsync("v1/admin/api-keys", new { name = "admin tool", scope = "admin" });
        await server.AdminPostAsync("v1/admin/api-keys", new { name = "one product", scope = "client", productId = "backup-app" });
        await server.AdminPostAsync("v1/admin/policies", new { name = "Pro", productId = "backup-app", licensingMode = Floating, maxClientCount = 5, duration = new { seconds = 86_400 * 365, nanos = 0 } });
        await server.AdminPostAsync("v1/admin/policies", new { name = "Desk", productId = "backup-app", licensingMode = Activation, maxClientCount = 2 });
        await server.AdminPostAsync("v1/admin/webhooks", new { url = "https://hooks.example.com/backup", events = SeatEvents });
        await server.AdminPostAsync("v1/admin/webhooks", new { url = "https://hooks.example.com/licenses", events = LicenseEvents, productId = "backup-app" });

        // Leases that lapsed before the backup: ended by the expiry timer.
        var ended = await server.CreateLicenseAsync(Floating, seats: 2, heartbeatSeconds: 5);
        await RequestAsync(server, ended, "m-ended-1");
        await RequestAsync(server, ended, "m-ended-2");
        server.Clock.Advance(TimeSpan.FromSeconds(11));
        await server.RunExpiryTimerAsync();

        for (var i = 0; i < 10; i++)
        {
            await server.CreateLicenseAsync(File, seats: 1, extra: new { customerName = $"File customer {i}" });
            var desk = await server.CreateLicenseAsync(Activation, seats: 2, extra: new { customerName = $"Desk customer {i}", features = Pro });
            await server.CallAsync("v1/license/activate", new { desk.UserKey, machineId = $"pc-{i}" });
            var pool = await server.CreateLicenseAsync(Floating, seats: 3, heartbeatSeconds: 3600);
            await RequestAsync(server, pool, $"m-{i}");
        }

        var kept = await server.CreateLicenseAsync(Floating, seats: 1, heartbeatSeconds: 3600);
        var keptToken = await RequestAsync(server, kept, "m-kept");
        var lapsing = await server.CreateLicenseAsync(Floating, seats: 1, heartbeatSeconds: 60);
        var lapsingToken = await RequestAsync(server, lapsing, "m-lapsing");

        // A client of its own: the server's gives up on a call after 3 s, and a retried transaction would find its own rows.
        var bulk = new TableClient(TestStorage.ConnectionString, server.Tables.Licenses.Name);
        await Parallel.ForEachAsync(Enumerable.Range(0, BulkPartitions), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (p, ct) =>
            await bulk.SubmitTransactionAsync([.. Enumerable.Range(0, BulkRowsPerPartition).Select(r => new TableTransactionAction(TableTransactionActionType.Add, BulkRow(p, r)))], ct));
        return (kept, keptToken, lapsing, lapsingToken);
    }

    private static TableEntity BulkRow(int partition, int row) => new($"bulk|{partition:D3}", $"row|{row:D3}")
    {
        ["Text"] = $"row {row} of {partition}: ünïcödé ✓",
        ["Count"] = row,
        ["Big"] = row % 2 == 0 ? long.MaxValue - row : long.MinValue + row,
        ["Ratio"] = row / 7.0,
        ["Whole"] = 2.0,
        ["On"] = row % 3 == 0,
        ["At"] = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero).AddTicks(row * 1_234_567L + 1),
        ["Id"] = new Guid(partition, (short)row, 7, 1, 2, 3, 4, 5, 6, 7, 8),
        ["Bytes"] = RandomNumberGenerator.GetBytes(16 + row),
    };

    private static async Task<string> RequestAsync(ServerFixture server, License license, string machineId)
    {
        var granted = (await server.CallAsync("v1/license/request", new { license.UserKey, machineId })).RootElement;
        Assert.True(granted.GetProperty("granted").GetBoolean(), granted.GetRawText());
        return granted.GetProperty("licenseToken").GetString()!;
    }

    private static async Task<JsonElement> HeartbeatAsync(ServerFixture server, string clientKey, string token, string machineId)
    {
        using var response = await server.PostAsync("v1/license/heartbeat", new { licenseToken = token, machineId }, clientKey);
        return (await ServerFixture.ReadJsonAsync(response)).RootElement;
    }

    private static Task<ProcessResult> RestoreAsync(string container, string prefix) =>
        ProcessRun.RunAsync("dotnet",
        [
            CliPaths.Dll, "backup", "restore", "--from", container, "--to", TestStorage.ConnectionString, "--table-prefix", prefix,
        ], timeout: TimeSpan.FromMinutes(2));

    private static void Adjust(Dictionary<string, string?> settings, string signingKey, string container, string? prefix = null)
    {
        settings["Licensing:SigningKey"] = signingKey;
        settings["Licensing:BackupContainer"] = container;
        if (prefix is not null)
        {
            settings["Licensing:TablePrefix"] = prefix;
        }
    }

    private static string NewSigningKey()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return key.ExportPkcs8PrivateKeyPem();
    }

    private static string NewContainerName() => "backups-" + Guid.NewGuid().ToString("N")[..12];
}
