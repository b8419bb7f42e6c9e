using Licensing.Signing;
using Licensing.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Licensing.Tests.Support;

/// <summary>
/// A client app following a seeded random script of seat calls, retrying 503s until answered, and keeping what its
/// 200 answers told it: the token id it holds now (if any) and the ones it ended. With the server's clock standing
/// still nothing lapses, so every answer must agree with what the client itself did before.
/// </summary>
public abstract class SeatClient(ServerFixture server, PatientCaller caller, License license, string machineId, string? clientId, int seed)
{
    private readonly List<string> _ended = [];

    protected Random Random { get; } = new(seed);

    protected ServerFixture Server => server;

    protected PatientCaller Caller => caller;

    public License License => license;

    public string MachineId => machineId;

    public string? ClientId => clientId;

    /// <summary>The token id of the seat this client holds according to its last answers.</summary>
    public string? Held { get; protected set; }

    /// <summary>Token ids this client ended itself with a 200.</summary>
    public IReadOnlyList<string> Ended => _ended;

    public abstract string SeatRow { get; }

    public async Task RunAsync(int steps)
    {
        for (var i = 0; i < steps; i++)
        {
            await StepAsync();
        }
    }

    protected abstract Task StepAsync();

    protected void EndHeld()
    {
        _ended.Add(Held!);
        Held = null;
    }

    protected string TokenId(string licenseToken) =>
        server.Services.GetRequiredService<LicenseCredentials>().ReadToken(licenseToken)!.TokenId;

    protected string Where => $"{machineId}/{clientId}";
}

/// <summary>A floating-lease client: request, heartbeat, validate, release, and requests again while holding.</summary>
public sealed class FloatingClient(ServerFixture server, PatientCaller caller, License license, string machineId, string? clientId, int seed)
    : SeatClient(server, caller, license, machineId, clientId, seed)
{
    private string? _token;

    public override string SeatRow => TableKeys.LeaseRow(MachineId, ClientId ?? "");

    protected override async Task StepAsync()
    {
        var roll = Random.Next(100);
        if (Held is null || roll < 10)
        {
            await RequestAsync();
        }
        else if (roll < 50)
        {
            var beat = await Caller.CallAsync("v1/license/heartbeat", new { licenseToken = _token, machineId = MachineId });
            Assert.True(beat.GetProperty("active").GetBoolean(), $"{Where}: heartbeat of a held lease: {beat.GetRawText()}");
        }
        else if (roll < 70)
        {
            var valid = await Caller.CallAsync("v1/license/validate", new { License.UserKey, machineId = MachineId, clientId = ClientId });
            Assert.True(valid.GetProperty("success").GetBoolean(), $"{Where}: validate of a held lease: {valid.GetRawText()}");
        }
        else
        {
            await Caller.CallAsync("v1/license/release", new { licenseToken = _token, machineId = MachineId });
            EndHeld();
            _token = null;
            var valid = await Caller.CallAsync("v1/license/validate", new { License.UserKey, machineId = MachineId, clientId = ClientId });
            Assert.False(valid.GetProperty("success").GetBoolean(), $"{Where}: validate after release: {valid.GetRawText()}");
        }
    }

    private async Task RequestAsync()
    {
        var answer = await Caller.CallAsync("v1/license/request", new { License.UserKey, machineId = MachineId, clientId = ClientId });
        if (!answer.GetProperty("granted").GetBoolean())
        {
            Assert.True(Held is null, $"{Where}: denied while holding {Held}: {answer.GetRawText()}");
            Assert.Equal("seats_exhausted", answer.GetProperty("reason").GetString());
            return;
        }

        _token = answer.GetProperty("licenseToken").GetString()!;
        var tokenId = TokenId(_token);
        // The same pair asking again gets the same lease.
        Assert.True(Held is null || Held == tokenId, $"{Where}: held {Held}, granted {tokenId}");
        Held = tokenId;
    }
}

/// <summary>A node-locked client: activate, validate, deactivate, and activates again while active.</summary>
public sealed class ActivationClient(ServerFixture server, PatientCaller caller, License license, string machineId, int seed)
    : SeatClient(server, caller, license, machineId, clientId: null, seed)
{
    public override string SeatRow => TableKeys.ActivationRow(MachineId);

    protected override async Task StepAsync()
    {
        var roll = Random.Next(100);
        if (Held is null || roll < 20)
        {
            await ActivateAsync();
        }
        else if (roll < 65)
        {
            var valid = await Caller.CallAsync("v1/license/validate", new { License.UserKey, machineId = MachineId });
            Assert.True(valid.GetProperty("success").GetBoolean(), $"{Where}: validate of an activation: {valid.GetRawText()}");
            Assert.Equal(Held, TokenId(valid.GetProperty("licenseToken").GetString()!));
        }
        else
        {
            await Caller.CallAsync("v1/license/deactivate", new { License.UserKey, machineId = MachineId });
            EndHeld();
        }
    }

    private async Task ActivateAsync()
    {
        var answer = await Caller.CallAsync("v1/license/activate", new { License.UserKey, machineId = MachineId });
        if (!answer.GetProperty("success").GetBoolean())
        {
            Assert.True(Held is null, $"{Where}: refused while active as {Held}: {answer.GetRawText()}");
            Assert.Equal("seats_exhausted", answer.GetProperty("reason").GetString());
            return;
        }

        var tokenId = TokenId(answer.GetProperty("licenseToken").GetString()!);
        Assert.True(Held is null || Held == tokenId, $"{Where}: active as {Held}, activated as {tokenId}");
        Held = tokenId;
    }
}
