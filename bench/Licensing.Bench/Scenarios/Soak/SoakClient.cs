using System.Buffers.Text;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Licensing.Bench.Load;
using Licensing.Domain;

namespace Licensing.Bench.Scenarios.Soak;

/// <summary>What every soak client shares: the API, the tally, the pace, and the tokens that end the run.</summary>
public sealed class SoakWorld(ApiClient api, SoakTally tally, SoakSize size, CancellationToken abort, CancellationToken giveUp)
{
    public ApiClient Api { get; } = api;
    public SoakTally Tally { get; } = tally;
    public SoakSize Size { get; } = size;

    /// <summary>Ctrl-C: everything stops now.</summary>
    public CancellationToken Abort { get; } = abort;

    /// <summary>The drain after the traffic is over: a call still without a definite answer then is a violation.</summary>
    public CancellationToken GiveUp { get; } = giveUp;
}

/// <summary>
/// One simulated client app with its own seat and its own record of it. A call is repeated until its answer is
/// definite: a 503 with Retry-After is the expected answer while storage is away and is retried after a short pause;
/// anything else but a 200 (a 500, a 503 without Retry-After, a 4xx, no answer within the request timeout) is a
/// violation, retried the same way, since its effect is unknown. Every retried call is idempotent for the same
/// client: a repeated request renews the same lease, a repeated activate finds the same activation, a repeated
/// release or deactivate of an ended seat answers 200.
/// </summary>
public abstract class SoakClient
{
    private SeatRecord _record;

    protected SoakClient(SoakWorld world, string who, string licenseId, string userKey, string machineId, string rowKey)
    {
        World = world;
        UserKey = userKey;
        MachineId = machineId;
        _record = new SeatRecord(who, licenseId, rowKey, Holding.None, TokenId: null, DateTimeOffset.MinValue, Pending: false);
    }

    public SeatRecord Record => Volatile.Read(ref _record);

    protected SoakWorld World { get; }
    protected string UserKey { get; }
    protected string MachineId { get; }

    /// <summary>Runs cycles until <paramref name="trafficOver"/>; then returns once the call under way has a definite answer.</summary>
    public abstract Task RunAsync(Recorder recorder, CancellationToken trafficOver);

    protected void Set(SeatRecord record) => Volatile.Write(ref _record, record);

    /// <summary>A 200's body and when it arrived, after as many attempts as it took; null when the drain ran out first.</summary>
    /// <param name="changesToken">
    /// The call may change which token the seat row holds, or whether it is live (request, activate, release,
    /// deactivate): the record is pending until the answer. A renewal (heartbeat, validate) only moves the expiry
    /// later, which every check allows, so the record stays checkable while it is under way.
    /// </param>
    protected async Task<Answer?> CallAsync(string call, byte[] body, Recorder recorder, bool changesToken)
    {
        if (changesToken)
        {
            Set(Record with { Pending = true });
        }

        var retried = false;
        while (true)
        {
            var start = Stopwatch.GetTimestamp();
            var answer = await World.Api.PostAsync("v1/license/" + call, body, World.Abort).ConfigureAwait(false);
            if (answer.Status == 200)
            {
                var json = answer.Json();
                recorder.Record(call, start, 200, Outcome(call, json.RootElement));
                World.Tally.Answered();
                return new Answer(json, DateTimeOffset.UtcNow, retried);
            }

            recorder.Record(call, start, answer.Status);
            if (answer.Status == 503 && answer.RetryAfter is not null)
            {
                World.Tally.Unavailable(start);
            }
            else
            {
                var what = answer.Status == 0
                    ? $"no answer within {ApiClient.RequestTimeout.TotalSeconds:0} s ({Encoding.UTF8.GetString(answer.Body)})"
                    : $"answered {answer.Status}{(answer.Status == 503 ? " without Retry-After" : "")}: {Encoding.UTF8.GetString(answer.Body)}";
                World.Tally.Violation($"{call} of {Record.Who} {what}");
            }

            retried = true;
            if (World.GiveUp.IsCancellationRequested)
            {
                World.Tally.Violation($"{call} of {Record.Who} had no definite answer when the drain ended");
                return null;
            }

            await Task.Delay(Random.Shared.Next(World.Size.RetryMs.Min, World.Size.RetryMs.Max), World.Abort).ConfigureAwait(false);
        }
    }

    /// <summary>A pause that ends early, without an exception, when the traffic stops.</summary>
    protected static async Task PauseAsync((int Min, int Max) ms, CancellationToken stop)
    {
        try
        {
            await Task.Delay(Random.Shared.Next(ms.Min, ms.Max), stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    protected static async Task PauseAsync(TimeSpan length, CancellationToken stop) =>
        await PauseAsync(((int)length.TotalMilliseconds, (int)length.TotalMilliseconds + 1), stop).ConfigureAwait(false);

    protected static string? Reason(JsonElement root) => root.TryGetProperty("reason", out var reason) ? reason.GetString() : null;

    protected static bool Flag(JsonElement root, string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    /// <summary>The seat's token id (the <c>tid</c> claim) and the answer's tokenExpireAt.</summary>
    protected static (string Token, string TokenId, DateTimeOffset ExpireAt) Grant(JsonElement root)
    {
        var token = root.GetProperty("licenseToken").GetString()!;
        var payload = Base64Url.DecodeFromChars(token.Split('.')[1]);
        using var claims = JsonDocument.Parse(payload);
        return (token, claims.RootElement.GetProperty("tid").GetString()!, ExpireAt(root));
    }

    protected static DateTimeOffset ExpireAt(JsonElement root)
    {
        var at = root.GetProperty("tokenExpireAt");
        return DateTimeOffset.FromUnixTimeSeconds(at.GetProperty("seconds").GetInt64()).AddTicks(at.GetProperty("nanos").GetInt32() / 100);
    }

    private static string Outcome(string call, JsonElement root) => call switch
    {
        "request" => Flag(root, "granted") ? "granted" : "denied:" + Reason(root),
        "heartbeat" => Flag(root, "active") ? "active" : "inactive:" + Reason(root),
        "activate" or "validate" => Flag(root, "success") ? "success" : "denied:" + Reason(root),
        _ => "ok",
    };

    /// <summary>A 200: its body, when it arrived, and whether earlier attempts of the call went unanswered.</summary>
    protected sealed record Answer(JsonDocument Json, DateTimeOffset ReceivedAt, bool Retried) : IDisposable
    {
        public JsonElement Root => Json.RootElement;

        public void Dispose() => Json.Dispose();
    }

    /// <summary>A lapse reported while the client's own record says the seat still holds is a lost write.</summary>
    protected void CheckLapse(string call, string? reason, Answer answer)
    {
        // The server decided at a moment before the answer arrived: if the recorded expiry is later still, it saw an older row.
        if (Record.ExpireAt > answer.ReceivedAt)
        {
            World.Tally.Violation($"{call} of {Record.Who} said {reason} for {Record.TokenId}, held until {Record.ExpireAt:HH:mm:ss.fff} by its last answer");
        }
    }

    protected static bool IsLapse(string? reason) => reason is Reasons.TokenExpired;
}
