namespace Licensing.Storage;

/// <summary>
/// The answer to one offline activation request (<see cref="TableKeys.OfflineAnswerRow"/>): created in the transaction
/// of the activation it answers (or alone, for a machine already active), never updated. It keeps the signed response
/// as sent, so the same request answers the same bytes; the seat's token id, so a deactivation proof frees only the
/// activation it answered; and the secret that keys the proof's MAC.
/// </summary>
public sealed record OfflineAnswerRow(string LicenseId, string RequestId, string MachineId, string TokenId, string DeactivationSecret, string Response, DateTimeOffset AnsweredAt)
{
    /// <summary>A table string property holds at most 32K UTF-16 characters; a response with many entitlements is longer.</summary>
    private const int ChunkLength = 30_000;

    public TableEntity ToEntity()
    {
        var entity = new TableEntity(LicenseId, TableKeys.OfflineAnswerRow(RequestId))
        {
            [nameof(MachineId)] = MachineId,
            [nameof(TokenId)] = TokenId,
            [nameof(DeactivationSecret)] = DeactivationSecret,
            [nameof(AnsweredAt)] = AnsweredAt,
        };
        for (int i = 0, part = 0; i < Response.Length; i += ChunkLength, part++)
        {
            entity[nameof(Response) + part] = Response.Substring(i, Math.Min(ChunkLength, Response.Length - i));
        }

        return entity;
    }

    public static OfflineAnswerRow FromEntity(TableEntity e, string requestId)
    {
        var response = new System.Text.StringBuilder();
        for (var part = 0; e.GetString(nameof(Response) + part) is { } chunk; part++)
        {
            response.Append(chunk);
        }

        return new(
            e.PartitionKey,
            requestId,
            e.GetString(nameof(MachineId)) ?? "",
            e.GetString(nameof(TokenId)) ?? "",
            e.GetString(nameof(DeactivationSecret)) ?? "",
            response.ToString(),
            e.GetDateTimeOffset(nameof(AnsweredAt)) ?? DateTimeOffset.UnixEpoch);
    }
}
