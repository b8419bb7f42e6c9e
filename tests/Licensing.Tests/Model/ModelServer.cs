using System.Globalization;
using Azure.Data.Tables;
using Licensing.Storage;
using Licensing.Tests.Support;

namespace Licensing.Tests.Model;

/// <summary>
/// A server of its own for each sequence: its own tables (named by the sequence), its clock set to the sequence's
/// start, so nothing carries over from one sequence to the next and a replayed seed meets the same server.
/// </summary>
public static class ModelServer
{
    /// <summary>
    /// Short, so purges happen within a sequence; at least two of the longest heartbeat interval the generators use,
    /// so a seat's retention always ends after the expiry-index entry it was granted with comes due.
    /// </summary>
    public static readonly TimeSpan TokenRetention = TimeSpan.FromSeconds(60);

    public static readonly TimeSpan ActivationTokenLifetime = TimeSpan.FromDays(30);

    public static async Task<ServerFixture> StartAsync(ModelSequence sequence)
    {
        // A replay against an Azurite that kept the tables of an interrupted run starts from nothing all the same.
        await DeleteTablesAsync(sequence.TablePrefix);
        var server = await ServerFixture.StartAsync(settings =>
        {
            settings["Licensing:TablePrefix"] = sequence.TablePrefix;
            settings["Licensing:RateLimitPerKey"] = "0";
            settings["Licensing:TokenRetention"] = TokenRetention.ToString("c", CultureInfo.InvariantCulture);
            settings["Licensing:ActivationTokenLifetime"] = ActivationTokenLifetime.ToString("c", CultureInfo.InvariantCulture);
        });
        StartClockAt(server, sequence.StartAt);
        return server;
    }

    public static async Task StopAsync(ServerFixture server)
    {
        await server.DisposeAsync();
        await DeleteTablesAsync(server.TablePrefix);
    }

    /// <summary>
    /// The one place the model sets the server's clock: forward from wherever the fixture's clock starts, to the
    /// sequence's start (which is later than any), with the clock's own Advance.
    /// </summary>
    private static void StartClockAt(ServerFixture server, DateTimeOffset start) =>
        server.Clock.Advance(start - server.Clock.GetUtcNow());

    private static async Task DeleteTablesAsync(string prefix)
    {
        var service = new TableServiceClient(TestStorage.ConnectionString);
        foreach (var table in new[] { TableKeys.LicensesTable(prefix), TableKeys.ExpiryIndexTable(prefix), TableKeys.ApiKeysTable(prefix), TableKeys.WebhooksTable(prefix) })
        {
            await service.DeleteTableAsync(table);
        }
    }
}
