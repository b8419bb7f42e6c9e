using System.Text.Json;
using Azure.Data.Tables;
using Licensing.Storage;
using Licensing.Tests.Support;

namespace Licensing.Tests.Metering;

/// <summary>The parts of a usage answer the metering tests compare, and a license's stored meter and ledger rows.</summary>
public static class UsageAsserts
{
    /// <summary>recorded, used, limit, remaining, overage, duplicate, reason (null when absent).</summary>
    public static (bool Recorded, long Used, long? Limit, long? Remaining, bool Overage, bool Duplicate, string? Reason) Of(JsonElement answer) => (
        answer.GetProperty("recorded").GetBoolean(),
        answer.GetProperty("used").GetInt64(),
        answer.GetProperty("limit").ValueKind == JsonValueKind.Null ? null : answer.GetProperty("limit").GetInt64(),
        answer.GetProperty("remaining").ValueKind == JsonValueKind.Null ? null : answer.GetProperty("remaining").GetInt64(),
        answer.GetProperty("overage").GetBoolean(),
        answer.GetProperty("duplicate").GetBoolean(),
        answer.TryGetProperty("reason", out var reason) ? reason.GetString() : null);

    public static async Task<long?> StoredUsedAsync(ServerFixture server, string licenseId, string code) =>
        (await server.StoredRowsAsync(licenseId)).SingleOrDefault(r => r.RowKey == TableKeys.MeterRow(code))?.GetInt64("Used");

    public static async Task<List<TableEntity>> StoredLedgerAsync(ServerFixture server, string licenseId)
    {
        var rows = new List<TableEntity>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {licenseId} and RowKey gt {"ledger|"} and RowKey lt {"ledger}"}");
        await foreach (var row in server.Tables.Licenses.QueryAsync<TableEntity>(filter))
        {
            rows.Add(row);
        }

        return rows;
    }
}
