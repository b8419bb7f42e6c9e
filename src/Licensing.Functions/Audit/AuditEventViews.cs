using System.Text.Json;
using Licensing.Http;
using Licensing.Storage;

namespace Licensing.Audit;

public static class AuditEventViews
{
    public static AuditEventView From(AuditEventRow row) => new(
        row.RowKey[TableKeys.EventPrefix.Length..],
        row.PartitionKey == TableKeys.ApiKeyPartition ? null : row.PartitionKey,
        row.ApiKeyId,
        row.Type,
        Timestamp.From(row.At),
        row.Actor,
        row.ClientAddr,
        row.TokenId,
        row.MachineId,
        row.ClientId,
        row.ClientName,
        row.Changes is { } changes ? Parse(changes) : null);

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
